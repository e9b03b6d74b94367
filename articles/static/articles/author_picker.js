/*
 * The byline picker (articles/admin/bylines.py): each author in the list gets a
 * second line (role, e-mail domain or bio) to tell namesakes apart. Runs before the
 * admin's autocomplete.js starts select2 on the page (at DOMContentLoaded), so
 * setting select2's defaults reaches every picker, also in rows added later.
 */
"use strict";
{
  const $ = window.django && django.jQuery;
  if ($ && $.fn.select2) {
    $.fn.select2.defaults.set("templateResult", function (result) {
      if (result.loading || !result.detail) {
        return result.text;
      }
      const box = document.createElement("span");
      const name = document.createElement("span");
      const detail = document.createElement("small");
      box.className = "author-choice";
      name.className = "author-choice__name";
      detail.className = "author-choice__detail";
      name.textContent = result.text;
      detail.textContent = result.detail;
      box.append(name, detail);
      return $(box);
    });
  }
}
