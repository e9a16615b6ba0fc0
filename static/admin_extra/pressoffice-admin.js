// Names the text boxes that scripts build after the page arrives (the body editor's, and the
// one select2 shows a photo choice in) after their field's label
// (articles/editorial/accessibility.py, fix 5).
(function () {
  "use strict";
  function nameTextBoxes() {
    const boxes = document.querySelectorAll(
      ".form-row [role='textbox']:not([aria-labelledby]):not(input):not(textarea)"
    );
    boxes.forEach(function (box) {
      const label = box.closest(".form-row").querySelector("label");
      if (!label) return;
      label.id = label.id || (label.htmlFor || "field") + "_label";
      box.setAttribute("aria-labelledby", label.id);
    });
  }
  // The change lists' row headers (each row's link) say which way they head (fix 6).
  function scopeRowHeaders() {
    document.querySelectorAll("#result_list tbody th:not([scope])").forEach(function (cell) {
      cell.setAttribute("scope", "row");
    });
  }
  document.addEventListener("DOMContentLoaded", scopeRowHeaders);
  new MutationObserver(nameTextBoxes).observe(document.documentElement, {
    childList: true, subtree: true,
  });
  document.addEventListener("DOMContentLoaded", nameTextBoxes);
})();
