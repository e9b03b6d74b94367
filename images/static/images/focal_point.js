"use strict";
// The image form's focal point: a click on the preview sets the two number fields,
// and the marker and the 3:2 card preview follow the fields. A newly chosen file is
// shown in the same preview before it is saved (a data: URL, which the admin's
// Content-Security-Policy allows for images).
(function () {
  const CARD_RATIO = 3 / 2;

  function clamp(value) {
    return Math.min(1, Math.max(0, value));
  }

  function setUp(picker) {
    const form = picker.closest("form");
    const inputX = form.querySelector("#id_focal_x");
    const inputY = form.querySelector("#id_focal_y");
    const fileInput = form.querySelector("input[type=file][data-focal-source]");
    const frame = picker.querySelector(".focal-picker__frame");
    const image = picker.querySelector(".focal-picker__image");
    const marker = picker.querySelector(".focal-picker__marker");
    const card = picker.querySelector(".focal-picker__card-image");
    if (!inputX || !inputY || !image) return;

    function point() {
      const x = parseFloat(inputX.value);
      const y = parseFloat(inputY.value);
      return {x: clamp(isNaN(x) ? 0.5 : x), y: clamp(isNaN(y) ? 0.5 : y)};
    }

    // Where the 3:2 crop sits, as object-position: the same rule as the server's
    // crop_box(), so the preview matches the renditions.
    function cardPosition(focus) {
      const width = image.naturalWidth;
      const height = image.naturalHeight;
      if (!width || !height) return "50% 50%";
      let boxWidth = width;
      let boxHeight = height;
      if (width / height > CARD_RATIO) boxWidth = height * CARD_RATIO;
      else boxHeight = width / CARD_RATIO;
      const left = width > boxWidth ? clamp((focus.x * width - boxWidth / 2) / (width - boxWidth)) : 0.5;
      const top = height > boxHeight ? clamp((focus.y * height - boxHeight / 2) / (height - boxHeight)) : 0.5;
      return (left * 100).toFixed(1) + "% " + (top * 100).toFixed(1) + "%";
    }

    function show() {
      const focus = point();
      marker.style.left = focus.x * 100 + "%";
      marker.style.top = focus.y * 100 + "%";
      marker.hidden = image.hidden;
      if (card) {
        card.style.objectPosition = cardPosition(focus);
      }
    }

    image.addEventListener("click", function (event) {
      const box = image.getBoundingClientRect();
      inputX.value = clamp((event.clientX - box.left) / box.width).toFixed(3);
      inputY.value = clamp((event.clientY - box.top) / box.height).toFixed(3);
      show();
    });
    image.addEventListener("load", show);
    inputX.addEventListener("input", show);
    inputY.addEventListener("input", show);

    if (fileInput) {
      fileInput.addEventListener("change", function () {
        const file = fileInput.files && fileInput.files[0];
        if (!file || !file.type.startsWith("image/")) return;
        const reader = new FileReader();
        reader.addEventListener("load", function () {
          image.src = reader.result;
          image.hidden = false;
          if (card) {
            card.src = reader.result;
            card.hidden = false;
          }
          frame.classList.add("focal-picker__frame--pending");
        });
        reader.readAsDataURL(file);
      });
    }
    if (card && !card.getAttribute("src")) card.hidden = true;
    show();
  }

  function start() {
    document.querySelectorAll("[data-focal-picker]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
