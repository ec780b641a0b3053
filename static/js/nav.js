// The header: on phones the main menu folds behind a "Menu" button (it stays open without
// JavaScript and on wider screens); the language switch sends itself when changed.
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

// The language switch sends its form as soon as a language is picked (the <noscript>
// button does it without JavaScript). No inline handler: the Content-Security-Policy
// runs no script written in the page.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
