// Review queue: "Pilih semua" for "Setujui yang dipilih" and the number ticked (shown
// only with JS; without it each row's checkbox still works). Texts come from the page.
(function () {
  var all = document.querySelector("[data-pick-all]");
  var box = document.querySelector("[data-pick-all-box]");
  var count = document.querySelector("[data-pick-count]");
  var picks = Array.prototype.slice.call(document.querySelectorAll("[data-pick]"));
  if (!all || !box || !picks.length) return;
  all.hidden = false;
  function update() {
    var ticked = picks.filter(function (p) { return p.checked; }).length;
    box.checked = ticked === picks.length;
    box.indeterminate = ticked > 0 && ticked < picks.length;
    if (count) count.textContent = ticked ? "(" + ticked + ")" : "";
  }
  box.addEventListener("change", function () {
    picks.forEach(function (p) { p.checked = box.checked; });
    update();
  });
  picks.forEach(function (p) { p.addEventListener("change", update); });
  update();
})();
