"use strict";
// Show a chosen image next to its upload field before the form is saved.
// A data: URL, because the admin's Content-Security-Policy allows those for images.
(function () {
  function setUp(input) {
    const preview = document.createElement("img");
    preview.className = "admin-preview admin-preview--pending";
    preview.alt = "";
    preview.hidden = true;
    input.after(preview);
    input.addEventListener("change", function () {
      const file = input.files && input.files[0];
      preview.hidden = true;
      preview.removeAttribute("src");
      if (!file || !file.type.startsWith("image/")) return;
      const reader = new FileReader();
      reader.addEventListener("load", function () {
        preview.src = reader.result;
        preview.hidden = false;
      });
      reader.readAsDataURL(file);
    });
  }

  function start() {
    document.querySelectorAll("input[type=file][data-image-preview]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
