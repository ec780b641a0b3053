// Phones: the main menu folds behind a "Menu" button (it stays open without JavaScript
// and on wider screens).
(function () {
  var button = document.querySelector(".navtoggle");
  var nav = document.getElementById("mainnav");
  if (!button || !nav) return;
  var narrow = window.matchMedia("(max-width: 760px)");

  function set(open) {
    nav.classList.toggle("collapsed", !open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function apply() {
    button.hidden = !narrow.matches;
    set(!narrow.matches);
  }

  button.addEventListener("click", function () {
    set(button.getAttribute("aria-expanded") !== "true");
  });
  narrow.addEventListener("change", apply);
  apply();
})();
