// Attendance roster: "mark everyone present" for the common case; the form works without it.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-mark-all]");
    if (!button) { return; }
    var value = button.getAttribute("data-mark-all");
    button.form.querySelectorAll('input[type="radio"][value="' + value + '"]').forEach(function (radio) {
      radio.checked = true;
    });
  });
})();
