// The release form's topics (articles/editorial/forms.py, TopicsWidget): Django's admin
// autocomplete, started here instead of by the admin's autocomplete.js so that a chosen topic
// shows its name ("Hurricanes", "hurricane (new)") where the suggestion list showed its use count
// or the offer to create it ("Hurricanes (3)", "Create new topic “hurricane”").
// Started once the page has loaded: the admin's media may list this file before select2.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const $ = window.django && window.django.jQuery;
  if (!$ || !$.fn.select2) return;
  $("select.topics-autocomplete").each(function (i, element) {
    $(element).select2({
      ajax: {
        data: function (params) {
          return {
            term: params.term,
            page: params.page,
            app_label: element.dataset.appLabel,
            model_name: element.dataset.modelName,
            field_name: element.dataset.fieldName,
          };
        },
      },
      templateSelection: function (item) {
        return item.name || item.text;
      },
    });
    nameTheParts(element);
  });

  // select2's many-choice box fails the checkers (articles/editorial/accessibility.py, fix 8):
  // its text box is named after the field's label, and its combobox says which list it opens
  // while that list is open (select2 says only aria-owns).
  function nameTheParts(element) {
    const label = document.querySelector("label[for='" + element.id + "']");
    const box = $(element).next(".select2");
    if (label) {
      label.id = label.id || element.id + "_label";
      box.find(".select2-search__field").attr("aria-labelledby", label.id);
    }
    const combobox = box.find(".select2-selection");
    $(element).on("select2:open", function () {
      combobox.attr("aria-controls", "select2-" + element.id + "-results");
    });
    $(element).on("select2:close", function () {
      combobox.removeAttr("aria-controls");
    });
  }
});
