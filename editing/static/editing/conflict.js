"use strict";
// After an edit conflict: a field whose current version is chosen is dimmed, so the
// form shows at a glance which text will be kept. Without this script the choice
// works just the same.
(function () {
  function update(row) {
    const name = row.dataset.conflictField;
    const chosen = row.querySelector("input[type=radio]:checked");
    const target = document.querySelector(`.form-row.field-${name}`);
    if (target) {
      target.classList.toggle("edit-conflict--replaced", !!chosen && chosen.value === "theirs");
    }
  }

  function start() {
    document.querySelectorAll("[data-conflict-field]").forEach(function (row) {
      row.addEventListener("change", function () {
        update(row);
      });
      update(row);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
