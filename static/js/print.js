/* The Cetak button: shown only where JavaScript runs, prints the page (the print
   stylesheet in zi.css drops the menu and buttons and turns the page to landscape A4). */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
