/*
 * The breaking-news ticker: live updates and optional motion for the static list of
 * links that the server renders in every page.
 *
 * - Polls the ticker's endpoint (data-ticker-src) every data-poll-seconds, faster
 *   (data-breaking-poll-seconds) while breaking news runs, not while the tab is hidden,
 *   backing off on errors. The browser revalidates with If-None-Match (ETag), so an
 *   unchanged ticker costs a 304. breaking.js checks for breaking news more often
 *   and asks for a poll at once ("ticker:changed") when it changes.
 * - Scrolls the list sideways unless the reader prefers reduced motion (WCAG 2.2.2,
 *   2.3.3): the pause button comes first in the ticker's tab order; motion stops while
 *   the pointer or focus is inside and stays stopped after the reader paused, on
 *   every page, until they press play.
 * - New items do not push content around while the list stands still: a
 *   "2 nieuwe berichten" button reveals them.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-ticker]");
  if (!root || !window.fetch || !window.DOMParser) {
    return;
  }

  var SPEED = 45; // pixels per second
  var MAX_BACKOFF = 300; // seconds
  var PAUSE_KEY = "ticker:paused";

  var viewport = root.querySelector("[data-ticker-viewport]");
  var toggle = root.querySelector("[data-ticker-toggle]");
  var toggleLabel = root.querySelector("[data-ticker-toggle-label]");
  var reveal = root.querySelector("[data-ticker-reveal]");
  var status = root.querySelector("[data-ticker-status]");
  var src = root.getAttribute("data-ticker-src");
  var pollSeconds = seconds(root.getAttribute("data-poll-seconds"), 30);
  var breakingPollSeconds = seconds(
    root.getAttribute("data-breaking-poll-seconds"),
    pollSeconds
  );
  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  var list = viewport.querySelector("[data-ticker-list]");
  var clone = null;
  var lastHtml = null;
  var pending = null;
  var pendingNew = 0;
  var userPaused = readPaused();
  var pointerInside = false;
  var focusInside = false;
  var position = 0;
  var lastFrame = null;
  var frameId = null;
  var timer = null;
  var failures = 0;
  var lastPoll = Date.now();

  function seconds(value, fallback) {
    var number = parseInt(value, 10);
    return number > 0 ? number : fallback;
  }

  function readPaused() {
    try {
      return window.localStorage.getItem(PAUSE_KEY) === "1";
    } catch (error) {
      return false;
    }
  }

  function storePaused(paused) {
    try {
      if (paused) {
        window.localStorage.setItem(PAUSE_KEY, "1");
      } else {
        window.localStorage.removeItem(PAUSE_KEY);
      }
    } catch (error) {
      // Private mode or storage disabled: the pause holds on this page only.
    }
  }

  /* Motion */

  function overflowing() {
    return list.scrollWidth > viewport.clientWidth + 1;
  }

  function canMove() {
    return !reducedMotion.matches && overflowing();
  }

  function moving() {
    return (
      canMove() && !userPaused && !pointerInside && !focusInside && !document.hidden
    );
  }

  function loopWidth() {
    return clone ? clone.offsetLeft - list.offsetLeft : 0;
  }

  function frame(time) {
    frameId = null;
    if (!moving()) {
      lastFrame = null;
      return;
    }
    if (lastFrame !== null) {
      position += ((time - lastFrame) / 1000) * SPEED;
      var loop = loopWidth();
      if (loop > 0 && position >= loop) {
        position -= loop;
      }
      viewport.scrollLeft = position;
    }
    lastFrame = time;
    frameId = window.requestAnimationFrame(frame);
  }

  function makeClone() {
    if (clone) {
      clone.remove();
      clone = null;
    }
    if (!canMove()) {
      return;
    }
    // A second copy makes the loop seamless; it is decoration, not content.
    clone = list.cloneNode(true);
    clone.removeAttribute("data-ticker-list");
    clone.setAttribute("aria-hidden", "true");
    clone.setAttribute("inert", "");
    clone.classList.add("ticker__list--clone");
    clone.querySelectorAll("a").forEach(function (link) {
      link.setAttribute("tabindex", "-1");
    });
    list.after(clone);
  }

  function render() {
    var movable = canMove();
    if (movable && !clone) {
      makeClone();
    } else if (!movable && clone) {
      makeClone();
    }
    toggle.hidden = !movable;
    toggleLabel.textContent = userPaused ? "Speel af" : "Pauzeer";
    root.classList.toggle("is-paused", userPaused);
    root.classList.toggle("is-moving", moving());
    if (moving() && frameId === null) {
      // Start from where the reader (or the browser, following focus) left the list.
      position = viewport.scrollLeft;
      lastFrame = null;
      frameId = window.requestAnimationFrame(frame);
    }
  }

  toggle.addEventListener("click", function () {
    userPaused = !userPaused;
    storePaused(userPaused);
    render();
  });

  root.addEventListener("pointerenter", function () {
    pointerInside = true;
    render();
  });
  root.addEventListener("pointerleave", function () {
    pointerInside = false;
    render();
  });
  root.addEventListener("focusin", function () {
    focusInside = true;
    render();
  });
  root.addEventListener("focusout", function (event) {
    focusInside = root.contains(event.relatedTarget);
    render();
  });
  if (reducedMotion.addEventListener) {
    reducedMotion.addEventListener("change", render);
  }
  window.addEventListener("resize", render);

  /* Live updates */

  function currentIds() {
    return Array.prototype.map.call(list.children, function (item) {
      return item.getAttribute("data-id");
    });
  }

  function breaking() {
    var shown = pending || list;
    return shown.getAttribute("data-breaking") === "1";
  }

  function apply(fresh) {
    var newest = fresh.firstElementChild;
    var hadNew = newest && currentIds().indexOf(newest.getAttribute("data-id")) === -1;
    list.replaceWith(fresh);
    list = fresh;
    pending = null;
    pendingNew = 0;
    reveal.hidden = true;
    status.textContent = "";
    root.hidden = list.children.length === 0;
    root.classList.toggle("ticker--breaking", breaking());
    makeClone();
    if (hadNew) {
      // The newest item comes first: show it now.
      viewport.scrollLeft = position = 0;
    }
    render();
  }

  function offer(fresh) {
    var shown = currentIds();
    var count = Array.prototype.filter.call(fresh.children, function (item) {
      return shown.indexOf(item.getAttribute("data-id")) === -1;
    }).length;
    pending = fresh;
    if (count === 1) {
      reveal.textContent = "1 nieuw bericht";
    } else if (count > 1) {
      reveal.textContent = count + " nieuwe berichten";
    } else {
      reveal.textContent = "Ticker bijwerken";
    }
    reveal.hidden = false;
    if (count > pendingNew) {
      // One short, polite announcement; the list itself is never re-read.
      status.textContent = reveal.textContent + " in de ticker";
    }
    pendingNew = count;
  }

  function receive(html) {
    if (html === lastHtml) {
      return;
    }
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("[data-ticker-list]");
    if (!fresh) {
      throw new Error("no ticker list in the answer");
    }
    fresh = document.adoptNode(fresh);
    // The first answer usually holds what the page was rendered with.
    var unchanged = lastHtml === null && fresh.innerHTML === list.innerHTML;
    lastHtml = html;
    if (unchanged) {
      return;
    }
    // Moving content may change; content that stands still waits for the reader.
    if (moving() || list.children.length === 0) {
      apply(fresh);
    } else {
      offer(fresh);
    }
  }

  reveal.addEventListener("click", function () {
    if (!pending) {
      return;
    }
    apply(pending);
    // The button is gone; take the reader to what it revealed.
    var first = list.querySelector("a");
    if (!first) {
      list.setAttribute("tabindex", "-1");
      first = list;
    }
    first.focus();
  });

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = null;
    if (document.hidden) {
      return;
    }
    // A little spread keeps thousands of open pages from asking at the same second.
    timer = window.setTimeout(poll, delay * 1000 * (0.9 + Math.random() * 0.2));
  }

  function interval() {
    return breaking() ? breakingPollSeconds : pollSeconds;
  }

  function poll() {
    timer = null;
    lastPoll = Date.now();
    window
      .fetch(src, {
        cache: "no-cache",
        credentials: "omit",
        headers: { Accept: "text/html" },
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("ticker answered " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        receive(html);
        failures = 0;
        schedule(interval());
      })
      .catch(function () {
        failures += 1;
        schedule(Math.min(interval() * Math.pow(2, failures), MAX_BACKOFF));
      });
  }

  // breaking.js saw the breaking news change: the list has changed too.
  document.addEventListener("ticker:changed", function () {
    if (timer !== null && !document.hidden) {
      window.clearTimeout(timer);
      poll();
    }
  });

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      window.clearTimeout(timer);
      timer = null;
    } else {
      var waited = (Date.now() - lastPoll) / 1000;
      schedule(Math.max(0, interval() - waited));
    }
    render();
  });

  root.classList.add("ticker--js");
  render();
  schedule(interval());
})();
