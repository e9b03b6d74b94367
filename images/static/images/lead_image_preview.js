"use strict";
// The article form's lead image: when another image is chosen (typed search, or
// added or changed in the popup), show it with its alt text, caption and credit.
(function () {
  function setUp(preview) {
    const select = document.getElementById("id_lead_image");
    if (!select) return;
    const template = preview.dataset.url; // .../image/0/preview/

    function render(data) {
      preview.replaceChildren();
      if (!data) {
        const empty = document.createElement("p");
        empty.className = "lead-image-preview__empty";
        empty.textContent = preview.dataset.empty || "Nog geen afbeelding.";
        preview.append(empty);
        return;
      }
      if (data.src) {
        const img = document.createElement("img");
        img.className = "admin-preview";
        img.alt = "";
        img.src = data.src;
        img.width = data.width;
        img.height = data.height;
        preview.append(img);
      }
      const facts = document.createElement("dl");
      facts.className = "lead-image-preview__facts";
      // Built and escaped by the server (format_html).
      facts.innerHTML = data.facts;
      preview.append(facts);
    }

    function refresh() {
      const id = select.value;
      if (!id) {
        render(null);
        return;
      }
      fetch(template.replace("/0/", "/" + encodeURIComponent(id) + "/"), {
        credentials: "same-origin",
        headers: {Accept: "application/json"},
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data && String(data.id) === select.value) render(data);
        })
        .catch(function () {});
    }

    // The admin's autocomplete and popups announce changes through jQuery.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(select).on("change", refresh);
    } else {
      select.addEventListener("change", refresh);
    }
  }

  function start() {
    document.querySelectorAll("[data-lead-image-preview]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
