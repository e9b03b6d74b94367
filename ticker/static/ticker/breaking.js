/*
 * The breaking-news banner above every page (ticker/_banner.html).
 *
 * - Loaded without defer, right after the banner: hides the items this reader closed
 *   before (localStorage) before the page is first drawn, and shows the close buttons.
 * - Checks data-breaking-src every data-check-seconds (a 304 while nothing changed),
 *   whatever the ticker shows, so breaking news is on screen within seconds of being
 *   saved; not while the tab is hidden, backing off on errors.
 * - New items are added to the polite live region one by one, so a screen reader
 *   announces the new headline, not the whole banner again. Nothing moves.
 * - Tells ticker.js ("ticker:changed") to fetch the ticker list at once.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-breaking-banner]");
  if (!root) {
    return;
  }

  var CLOSED_KEY = "ticker:closed-breaking";
  var KEEP_CLOSED = 50;
  var MAX_BACKOFF = 300; // seconds

  var src = root.getAttribute("data-breaking-src");
  var every = parseInt(root.getAttribute("data-check-seconds"), 10);
  if (!(every > 0)) {
    every = 6;
  }
  var list = root.querySelector("[data-breaking-list]");
  var signatures = new WeakMap();
  var lastHtml = null;
  var timer = null;
  var failures = 0;
  var lastCheck = Date.now();

  function closedIds() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(CLOSED_KEY) || "[]");
      return Array.isArray(stored) ? stored.map(String) : [];
    } catch (error) {
      return [];
    }
  }

  function rememberClosed(id) {
    var ids = closedIds().filter(function (closed) {
      return closed !== id;
    });
    ids.push(id);
    try {
      window.localStorage.setItem(
        CLOSED_KEY,
        JSON.stringify(ids.slice(-KEEP_CLOSED))
      );
    } catch (error) {
      // Private mode or storage disabled: closed on this page only.
    }
  }

  function items(parent) {
    return Array.prototype.slice.call(parent.querySelectorAll("[data-id]"));
  }

  function prepare(item, closed) {
    if (!signatures.has(item)) {
      signatures.set(item, item.outerHTML);
    }
    item.hidden = closed.indexOf(item.getAttribute("data-id")) !== -1;
    var button = item.querySelector("[data-breaking-close]");
    if (button) {
      button.hidden = false;
    }
  }

  function update() {
    var shown = list && list.querySelector("[data-id]:not([hidden])");
    root.classList.toggle("has-news", Boolean(shown));
  }

  function receive(html) {
    if (html === lastHtml) {
      return false;
    }
    lastHtml = html;
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("[data-breaking-list]");
    if (!fresh) {
      throw new Error("no banner in the answer");
    }
    if (!list) {
      list = document.adoptNode(fresh.cloneNode(false));
      root.appendChild(list);
    }
    var closed = closedIds();
    var current = {};
    items(list).forEach(function (item) {
      current[item.getAttribute("data-id")] = item;
    });
    var changed = false;
    var previous = null;
    items(fresh).forEach(function (freshItem) {
      var id = freshItem.getAttribute("data-id");
      var html = freshItem.outerHTML;
      var item = current[id];
      delete current[id];
      if (!item || signatures.get(item) !== html) {
        // New or edited: a node of its own, so the live region announces it.
        var added = document.adoptNode(freshItem);
        signatures.set(added, html);
        prepare(added, closed);
        added.classList.add("is-new");
        if (item) {
          item.replaceWith(added);
        }
        item = added;
        changed = true;
      }
      if (previous ? previous.nextElementSibling !== item : list.firstElementChild !== item) {
        if (previous) {
          previous.after(item);
        } else {
          list.prepend(item);
        }
      }
      previous = item;
    });
    Object.keys(current).forEach(function (id) {
      // Expired, hidden or no longer breaking.
      current[id].remove();
      changed = true;
    });
    update();
    return changed;
  }

  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-breaking-close]");
    if (!button) {
      return;
    }
    var item = button.closest("[data-id]");
    rememberClosed(item.getAttribute("data-id"));
    item.hidden = true;
    update();
    // The button is gone: go on with the next banner, or with the page.
    var next = list.querySelector("[data-id]:not([hidden]) [data-breaking-close]");
    var main = document.getElementById("inhoud");
    if (next) {
      next.focus();
    } else if (main) {
      main.focus();
    }
  });

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = null;
    if (document.hidden) {
      return;
    }
    // A little spread keeps open pages from asking at the same second; never later
    // than 10 % past the interval, which the promised delay counts on.
    timer = window.setTimeout(check, delay * 1000 * (0.9 + Math.random() * 0.2));
  }

  function check() {
    timer = null;
    lastCheck = Date.now();
    window
      .fetch(src, {
        cache: "no-cache",
        credentials: "omit",
        headers: { Accept: "text/html" },
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("banner answered " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        // Also on the first check: the items are compared with the page's own, and
        // news saved since the page was served is news for its ticker too.
        if (receive(html)) {
          document.dispatchEvent(new CustomEvent("ticker:changed"));
        }
        failures = 0;
        schedule(every);
      })
      .catch(function () {
        failures += 1;
        schedule(Math.min(every * Math.pow(2, failures), MAX_BACKOFF));
      });
  }

  var closed = closedIds();
  if (list) {
    items(list).forEach(function (item) {
      prepare(item, closed);
    });
  }
  update();

  if (!window.fetch || !window.DOMParser || !src) {
    return;
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      window.clearTimeout(timer);
      timer = null;
    } else {
      var waited = (Date.now() - lastCheck) / 1000;
      schedule(Math.max(0, every - waited));
    }
  });
  schedule(every);
})();
