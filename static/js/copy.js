// "Salin" buttons: copy the value of the input named by data-copy (shown only with JS).
document.querySelectorAll("[data-copy]").forEach(function (button) {
  var input = document.getElementById(button.dataset.copy);
  if (!input) return;
  button.hidden = false;
  var label = button.textContent;
  button.addEventListener("click", function () {
    input.select();
    var done = function () {
      button.textContent = "✓ " + label;
      setTimeout(function () { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done);
    } else {
      document.execCommand("copy");
      done();
    }
  });
});
