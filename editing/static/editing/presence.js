"use strict";
// Who else has this form open: a heartbeat to the server every few seconds (the
// interval comes from the page), and a goodbye when the page is closed. The
// server sends the sentences; this only puts them in place, as text.
(function () {
  function setUp(box) {
    const form = box.closest("form");
    if (!form) return;
    const url = box.dataset.url;
    const interval = Number(box.dataset.interval) || 30000;
    const list = box.querySelector(".edit-presence__people");
    const changed = box.querySelector(".edit-presence__changed");
    let submitting = false;
    form.addEventListener("submit", function () {
      submitting = true;
    });

    function field(name) {
      const input = form.querySelector(`input[name="${name}"]`);
      return input ? input.value : "";
    }

    function payload(extra) {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", field("csrfmiddlewaretoken"));
      body.append("version", field("edit_version"));
      for (const [key, value] of Object.entries(extra || {})) body.append(key, value);
      return body;
    }

    function show(data) {
      list.replaceChildren();
      for (const person of data.others) {
        const item = document.createElement("li");
        const who = document.createElement("strong");
        who.textContent = person.text;
        const time = document.createElement("span");
        time.className = "edit-presence__time";
        time.textContent = ` (${person.detail})`;
        item.append(who, time);
        list.append(item);
      }
      changed.textContent = data.changed;
      changed.hidden = !data.changed;
      box.hidden = !data.others.length && !data.changed;
    }

    async function beat() {
      if (submitting) return;
      try {
        const response = await fetch(url, {
          method: "POST",
          body: payload(),
          credentials: "same-origin",
          headers: { "X-Requested-With": "XMLHttpRequest" },
        });
        if (response.ok) show(await response.json());
      } catch (error) {
        // Offline for a moment: the next beat tries again.
      }
    }

    window.setInterval(beat, interval);
    window.addEventListener("pagehide", function () {
      if (!submitting) navigator.sendBeacon(url, payload({ leave: "1" }));
    });
  }

  function start() {
    document.querySelectorAll("[data-edit-presence]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
