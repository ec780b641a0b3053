// LKE area page: each question's evidence picker first lists only the items already
// picked; opening it fills in every evidence item of the area from one <template>, so
// the page does not carry the whole list once per question. Without JavaScript the
// "Pilih dari semua butir" link opens the question on its own page with the full list.
(function () {
  var source = document.getElementById("lke-evidence-choices");
  if (!source) return;

  function fill(details) {
    if (details.dataset.filled) return;
    details.dataset.filled = "1";
    var prefix = details.dataset.pick;
    var list = details.querySelector(".pick-list");
    var checked = {};
    list.querySelectorAll("input[name=evidence]").forEach(function (input) {
      if (input.checked) checked[input.value] = true;
    });
    var fresh = source.content.cloneNode(true);
    fresh.querySelectorAll("li").forEach(function (li) {
      var input = li.querySelector("input");
      var label = li.querySelector("label");
      var id = prefix + "-ev" + input.value;
      input.id = id;
      label.htmlFor = id;
      input.checked = !!checked[input.value];
    });
    list.replaceChildren(fresh);
    var more = details.querySelector(".pick-more");
    if (more) more.hidden = true;
  }

  function recount(details) {
    var summary = details.querySelector("summary");
    var n = details.querySelectorAll("input[name=evidence]:checked").length;
    summary.textContent = summary.textContent.replace(/\d+/, String(n));
  }

  document.querySelectorAll("details.evidence-pick[data-pick]").forEach(function (details) {
    details.addEventListener("change", function () { recount(details); });
    if (details.open) fill(details);
    details.addEventListener("toggle", function () {
      if (details.open) fill(details);
    });
  });
})();
