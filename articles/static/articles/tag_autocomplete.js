"use strict";
// Suggest existing tags for the tag being typed in a comma-separated tag field.
// The suggestions fill a <datalist>; each option is the whole field value with the
// tag completed, so picking one keeps the tags typed before it.
(function () {
  function quoted(name) {
    // taggit reads names with a comma or a space only when they are quoted.
    return /[, ]/.test(name) ? '"' + name.replace(/"/g, "") + '"' : name;
  }

  function setUp(input) {
    const list = document.createElement("datalist");
    list.id = input.id + "_suggestions";
    input.after(list);
    input.setAttribute("list", list.id);
    let timer = null;
    let controller = null;

    async function suggest() {
      const value = input.value;
      const cut = value.lastIndexOf(",") + 1;
      const term = value.slice(cut).trim();
      if (!term) {
        list.replaceChildren();
        return;
      }
      const before = value.slice(0, value.length - value.slice(cut).trimStart().length);
      const typed = new Set(
        value.slice(0, cut).split(",").map((t) => t.trim().replace(/"/g, "").toLowerCase())
      );
      const url = new URL(input.dataset.tagAutocomplete, window.location.href);
      url.search = new URLSearchParams({
        term: term,
        app_label: input.dataset.appLabel,
        model_name: input.dataset.modelName,
        field_name: input.dataset.fieldName,
      });
      if (controller) controller.abort();
      controller = new AbortController();
      let data;
      try {
        const response = await fetch(url, { signal: controller.signal, credentials: "same-origin" });
        if (!response.ok) return;
        data = await response.json();
      } catch (error) {
        return; // Aborted by newer typing, or offline: no suggestions, typing still works.
      }
      list.replaceChildren(
        ...data.results
          .filter((result) => !typed.has(result.text.toLowerCase()))
          .map((result) => {
            const option = document.createElement("option");
            option.value = before + quoted(result.text) + ", ";
            option.label = result.text;
            return option;
          })
      );
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 150);
    });
  }

  function start() {
    document.querySelectorAll("input[data-tag-autocomplete]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
