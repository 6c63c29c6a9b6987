// "Copy" buttons: a button with data-copy-target="<input id>" copies that input's value and
// says so. Without JavaScript (or a clipboard) the button stays hidden and the field is there
// to select by hand.
(function () {
  "use strict";
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) {
      return;
    }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.getAttribute("data-copied");
        window.setTimeout(function () {
          button.textContent = label;
        }, 2000);
      });
    });
  });
})();
