/* Evidence upload: drag and drop, several files, one request per file through the
 * API, a progress bar per file, and the server's refusal message (in the user's
 * language) when a file is not accepted. Without JavaScript the form posts normally. */
(function () {
  "use strict";
  var texts = {};
  try { texts = JSON.parse(document.getElementById("upload-texts").textContent); } catch (e) { /* defaults */ }
  function t(key, n, name) {
    var s = texts[key] || key;
    return s.replace("%(n)s", n == null ? "" : n).replace("%(name)s", name == null ? "" : name);
  }

  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function row(list, name) {
    var li = document.createElement("li");
    li.className = "upload-item";
    var label = document.createElement("span");
    label.className = "upload-name";
    label.textContent = name;
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-label", name);
    var state = document.createElement("span");
    state.className = "upload-state";
    state.textContent = t("waiting");
    li.appendChild(label); li.appendChild(bar); li.appendChild(state);
    list.appendChild(li);
    return { li: li, bar: bar, state: state };
  }

  function send(form, file, ui) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("file", file, file.name);
      ["note", "evidence_date", "replaces"].forEach(function (field) {
        var el = form.querySelector("[name=" + field + "]");
        if (el && el.value) { data.append(field, el.value); }
      });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.uploadUrl);
      xhr.setRequestHeader("X-CSRFToken", csrf(form));
      xhr.setRequestHeader("Accept", "application/json");
      ui.state.textContent = t("uploading");
      xhr.upload.addEventListener("progress", function (ev) {
        if (ev.lengthComputable) { ui.bar.value = Math.round((ev.loaded / ev.total) * 100); }
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (xhr.status === 201) {
          ui.bar.value = 100;
          ui.li.classList.add("ok");
          ui.state.textContent = t("done", body.version);
          resolve(true);
        } else {
          ui.li.classList.add("refused");
          var message = body.error && body.error.message ? body.error.message : (t("failed") + " (HTTP " + xhr.status + ")");
          ui.state.textContent = t("failed") + ": " + message;
          ui.li.setAttribute("role", "alert");
          resolve(false);
        }
      });
      xhr.addEventListener("error", function () {
        ui.li.classList.add("refused");
        ui.state.textContent = t("network");
        resolve(false);
      });
      xhr.send(data);
    });
  }

  function start(form, files) {
    var list = form.querySelector(".upload-list");
    var max = parseInt(form.dataset.maxBytes || "0", 10);
    var button = form.querySelector("button[type=submit]");
    list.innerHTML = "";
    if (!files.length) {
      var li = document.createElement("li");
      li.className = "upload-item refused"; li.setAttribute("role", "alert");
      li.textContent = t("none");
      list.appendChild(li);
      return;
    }
    var jobs = Array.prototype.map.call(files, function (file) { return { file: file, ui: row(list, file.name) }; });
    button.disabled = true;
    var okCount = 0, failCount = 0;
    // One file at a time: versions are numbered in the order the files were chosen.
    jobs.reduce(function (chain, job) {
      return chain.then(function () {
        if (max && job.file.size > max) {
          job.ui.li.classList.add("refused");
          job.ui.li.setAttribute("role", "alert");
          job.ui.state.textContent = t("failed") + ": " + t("tooLarge", null, job.file.name);
          failCount += 1;
          return null;
        }
        return send(form, job.file, job.ui).then(function (ok) { if (ok) { okCount += 1; } else { failCount += 1; } });
      });
    }, Promise.resolve()).then(function () {
      button.disabled = false;
      var input = form.querySelector("input[type=file]");
      if (input) { input.value = ""; }
      if (okCount && !failCount) {
        window.setTimeout(function () { window.location.reload(); }, 800);
      } else if (okCount) {
        var again = document.createElement("li");
        var link = document.createElement("a");
        link.href = window.location.pathname + "#versi";
        link.textContent = t("reload");
        link.addEventListener("click", function (ev) { ev.preventDefault(); window.location.reload(); });
        again.appendChild(link);
        list.appendChild(again);
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-upload-url]"), function (form) {
    var input = form.querySelector("input[type=file]");
    form.addEventListener("submit", function (ev) {
      /* A replacement given as a link goes through the plain form post. */
      var link = form.querySelector("input[name=url]");
      if (link && link.value && !(input && input.files.length)) { return; }
      ev.preventDefault();
      start(form, input ? input.files : []);
    });
    form.dataset.enhanced = "true";  /* the form now uploads through the API */
    var zone = form.querySelector("[data-dropzone]");
    if (!zone) { return; }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (ev) { ev.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (ev) {
      ev.preventDefault();
      if (ev.dataTransfer && ev.dataTransfer.files.length) {
        input.files = ev.dataTransfer.files;
        start(form, ev.dataTransfer.files);
      }
    });
  });
})();
