/*
 * A live blog page: asks the poll endpoint (data-poll-src) every data-poll-seconds
 * while the coverage is live, not while the tab is hidden, backing off on errors.
 * The browser revalidates with If-None-Match (ETag), so nothing new costs a 304.
 *
 * New updates never move the text a reader is reading: a "N nieuwe updates" button
 * (in a polite live region) says how many there are, and pressing it inserts them at
 * the top of the list and moves focus to the newest. Without this script the page
 * is complete; "Oudere updates" links page back, a reload shows what is new.
 *
 * A permalink (#update-<id>) to an update that has moved to an older page asks the
 * server where it is now (data-permalink: /live/update/<id>/).
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-liveblog]");
  if (!root || !window.fetch) {
    return;
  }

  var MAX_BACKOFF = 300; // seconds
  var pollSrc = root.getAttribute("data-poll-src");
  var newSrc = root.getAttribute("data-new-src");
  var pollSeconds = parseInt(root.getAttribute("data-poll-seconds"), 10) || 10;
  var newest = parseInt(root.getAttribute("data-newest"), 10) || 0;
  var firstPage = root.getAttribute("data-first-page") === "true";
  var list = root.querySelector("[data-liveblog-list]");
  var button = root.querySelector("[data-liveblog-new]");
  var state = root.getAttribute("data-state");
  var timer = null;
  var failures = 0;
  var waiting = [];

  findPermalink();

  if (!firstPage || state === "ended" || !list || !button) {
    return;
  }

  function findPermalink() {
    var match = /^#update-(\d+)$/.exec(window.location.hash);
    if (match && !document.getElementById("update-" + match[1])) {
      window.location.replace(root.getAttribute("data-permalink") + match[1] + "/");
    }
  }

  function onPage(id) {
    return document.getElementById("update-" + id) !== null;
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = null;
    if (document.hidden || state === "ended") {
      return;
    }
    timer = window.setTimeout(poll, delay * 1000);
  }

  function poll() {
    timer = null;
    window
      .fetch(pollSrc, { cache: "no-cache", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        state = data.state;
        root.setAttribute("data-state", state);
        if (data.poll_seconds > 0) {
          pollSeconds = data.poll_seconds;
        }
        waiting = (data.updates || []).filter(function (id) {
          return id > newest && !onPage(id);
        });
        showButton();
        schedule(pollSeconds);
      })
      .catch(function () {
        failures += 1;
        schedule(Math.min(MAX_BACKOFF, pollSeconds * Math.pow(2, failures)));
      });
  }

  function showButton() {
    var count = waiting.length;
    if (!count) {
      button.hidden = true;
      return;
    }
    // The label in both forms comes translated with the page (ngettext).
    var form = button.getAttribute(count === 1 ? "data-label-one" : "data-label-other");
    var text = form.replace("{n}", String(count));
    if (button.textContent !== text) {
      button.textContent = text;
    }
    button.hidden = false;
  }

  function insert() {
    button.disabled = true;
    window
      .fetch(newSrc + "?after=" + newest, { cache: "no-cache" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html;
        var items = Array.prototype.filter.call(
          template.content.querySelectorAll("[data-update-id]"),
          function (item) {
            return !onPage(item.getAttribute("data-update-id"));
          }
        );
        // New updates go after the pinned ones, newest first.
        var anchor = list.querySelector(".liveblog-update:not(.liveblog-update--pinned)");
        items.forEach(function (item) {
          item.classList.add("is-new");
          list.insertBefore(item, anchor);
          newest = Math.max(newest, parseInt(item.getAttribute("data-update-id"), 10));
        });
        var empty = root.querySelector(".liveblog-updates > .empty");
        if (empty && items.length) {
          empty.remove();
        }
        waiting = [];
        button.hidden = true;
        button.disabled = false;
        if (items.length) {
          items[0].focus({ preventScroll: false });
        }
      })
      .catch(function () {
        button.disabled = false;
      });
  }

  button.addEventListener("click", insert);
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      window.clearTimeout(timer);
      timer = null;
    } else if (timer === null) {
      poll();
    }
  });
  schedule(pollSeconds);
})();
