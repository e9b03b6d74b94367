// The body editor's menu in Dutch.
//
// django-prose-editor translates its dialogs through Django's JavaScript catalog
// (window.gettext; our Dutch texts are in locale/nl/LC_MESSAGES/djangojs.po), but
// its menu labels and tooltips are fixed English strings. This is its own Menu
// extension with a menu creator (the documented `items` option) that gives every
// item a Dutch tooltip and label before the menu is built. Enabled as "DutchMenu"
// in the field's extensions, in place of "Menu".
import { Menu, createMenuFromGroups } from "django-prose-editor/editor";

const TOOLTIPS = {
  bold: "vet",
  italic: "cursief",
  underline: "onderstrepen",
  strike: "doorhalen",
  subscript: "subscript",
  superscript: "superscript",
  "insert link": "link invoegen",
  "remove link": "link verwijderen",
  "unordered list": "opsomming",
  "ordered list": "genummerde lijst",
  blockquote: "citaat",
  "horizontal rule": "horizontale lijn",
  paragraph: "alinea",
  figure: "afbeelding",
  undo: "ongedaan maken",
  redo: "opnieuw doen",
  "edit HTML": "HTML bewerken",
  Code: "code",
  "Code block": "codeblok",
  "Insert table": "tabel invoegen",
  "Add column": "kolom toevoegen",
  "Add row": "rij toevoegen",
  "Delete column": "kolom verwijderen",
  "Delete row": "rij verwijderen",
  "Merge cells": "cellen samenvoegen",
  "Split cell": "cel splitsen",
  "Toggle header cell": "kopcel aan of uit",
  "Delete table": "tabel verwijderen",
};
const LABELS = {
  Paragraph: "Alinea",
  blockquote: "Citaat",
  "horizontal rule": "Horizontale lijn",
  "unordered list": "Opsomming",
  "ordered list": "Genummerde lijst",
  "Code block": "Codeblok",
  figure: "Afbeelding",
};
const DEFAULT_GROUPS = [
  { group: "blockType -lists", type: "dropdown", minItems: 2 },
  { group: "lists" },
  { group: "nodes -blockType -lists" },
  { group: "marks" },
  { group: "link" },
  { group: "table" },
  { group: "history" },
  { group: "utility" },
];

function tooltip(text) {
  const heading = /^heading (\d)$/.exec(text);
  if (heading) return `kop ${heading[1]}`;
  return TOOLTIPS[text];
}

function label(text) {
  const heading = /^Heading (\d)$/.exec(text.trim());
  if (heading) return `Kop ${heading[1]}`;
  return LABELS[text.trim()];
}

function translateTooltips(element) {
  if (!element || !element.querySelectorAll) return;
  for (const node of [element, ...element.querySelectorAll("[title], [aria-label]")]) {
    for (const name of ["title", "aria-label"]) {
      const dutch = node.hasAttribute(name) && tooltip(node.getAttribute(name));
      if (dutch) node.setAttribute(name, dutch);
    }
  }
}

function translateLabel(element) {
  if (!element) return;
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const dutch = label(node.nodeValue);
    if (dutch) node.nodeValue = dutch;
  }
}

export const DutchMenu = Menu.extend({
  addOptions() {
    return {
      ...this.parent?.(),
      items({ editor, buttons, menu }) {
        const own = editor.extensionManager.extensions.find((e) => e.name === "menu");
        const groups = (own && own.options.groups) || DEFAULT_GROUPS;
        for (const { group } of groups) {
          for (const item of menu.items(group)) {
            // The dropdown shows a copy of the active item's button: translate the
            // originals, not only what is on the page now.
            translateTooltips(item.button);
            translateTooltips(item.option);
            translateLabel(item.option);
          }
        }
        const elements = createMenuFromGroups(groups)({ editor, buttons, menu });
        for (const element of elements) translateTooltips(element);
        return elements;
      },
    };
  },
});
