// LKE area page: each question's evidence picker (items, and under each item its
// current versions) first lists only what is already picked; opening it fills in every evidence item of the area from one <template>, so
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
    list.querySelectorAll("input[type=checkbox]").forEach(function (input) {
      if (input.checked) checked[input.name + ":" + input.value] = true;
    });
    var fresh = source.content.cloneNode(true);
    fresh.querySelectorAll("input[type=checkbox]").forEach(function (input) {
      // An item is "ev<id>", a version of it "v<id>", as the server renders them.
      var id = prefix + (input.name === "version" ? "-v" : "-ev") + input.value;
      var label = input.parentElement.querySelector(":scope > label");
      input.id = id;
      label.htmlFor = id;
      input.checked = !!checked[input.name + ":" + input.value];
    });
    list.replaceChildren(fresh);
    var more = details.querySelector(".pick-more");
    if (more) more.hidden = true;
  }

  function recount(details) {
    var summary = details.querySelector("summary");
    var n = details.querySelectorAll("input[type=checkbox]:checked").length;
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
