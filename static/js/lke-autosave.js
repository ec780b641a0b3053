/* LKE area page: each answer is saved as it is chosen. A question's form is sent with
 * fetch to its usual save address, asking for JSON; the answer says "Tersimpan" beside
 * the question (or "Gagal menyimpan — coba lagi" with the portal's reason) and the
 * page's scores and counts are replaced with the ones the server sends. The "Simpan"
 * buttons are hidden while this runs (shown again to retry after a failure); without
 * JavaScript they post the form as before. On a phone, each question's note, evidence
 * picker and other support fold into one "Catatan dan bukti dukung" toggle. */
(function () {
  "use strict";
  var texts = {};
  try { texts = JSON.parse(document.getElementById("lke-autosave-texts").textContent); } catch (e) { /* defaults */ }
  function t(key) { return texts[key] || key; }
  var TEXT_DELAY = 1500;  /* ms of no typing before a note or a link is saved */
  var phone = window.matchMedia && window.matchMedia("(max-width: 40rem)").matches;

  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function show(form, state, message) {
    var el = document.getElementById(form.dataset.autosave + "-state");
    var submit = form.querySelector(".lke-submit");
    var article = form.closest("article.lke-q");
    if (el) {
      el.className = "lke-save-state " + state;
      el.textContent = state === "failed" ? t("failed") + (message ? ": " + message : "") : t(state);
    }
    if (submit) { submit.hidden = state !== "failed"; }
    if (article) { article.classList.toggle("has-error", state === "failed"); }
  }

  function nextUnanswered(after) {
    var all = Array.prototype.slice.call(document.querySelectorAll("article.lke-q[data-soal]"));
    var start = after ? all.indexOf(after) + 1 : 0;
    var open = all.slice(start).concat(all.slice(0, start)).filter(function (a) { return !a.hasAttribute("data-answered"); });
    return open.length ? open[0] : null;
  }

  function updateJump(after) {
    var link = document.getElementById("lke-next");
    var done = document.getElementById("lke-all-done");
    if (!link) { return; }
    var next = nextUnanswered(after);
    link.hidden = !next;
    if (done) { done.hidden = !!next; }
    if (next) { link.href = "#" + next.id; }
  }

  function apply(form, body) {
    Object.keys(body.texts || {}).forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { el.textContent = body.texts[id]; }
    });
    var article = form.closest("article.lke-q");
    var badges = article ? article.querySelectorAll(".lke-values > .badge") : [];
    if (body.badges && badges.length === 2) {
      badges[0].textContent = body.badges.unit;
      badges[1].textContent = body.badges.tpi;
    }
    if (body.side === "unit" && article) {
      article.toggleAttribute("data-answered", !!body.answered);
      var chip = document.getElementById("chip-" + article.dataset.soal);
      if (chip) {
        chip.classList.toggle("answered", !!body.answered);
        var hidden = chip.querySelector(".visually-hidden");
        if (hidden) { hidden.textContent = " · " + t(body.answered ? "answered" : "unanswered"); }
      }
      document.querySelectorAll("[data-sub-count]").forEach(function (pill) {
        var m = pill.textContent.match(/(\d+)\D+(\d+)/);
        pill.classList.toggle("done", !!m && m[1] === m[2]);
      });
      updateJump(article);
    }
  }

  function save(form) {
    window.clearTimeout(form._timer);
    if (form._busy) { form._again = true; return; }
    form._busy = true;
    show(form, "saving");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(form), "Accept": "application/json", "X-Requested-With": "fetch" }
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      return (json ? response.json() : Promise.resolve(null)).then(function (body) {
        if (response.ok && body && body.ok) {
          apply(form, body);
          show(form, "saved");
        } else if (body && body.error) {
          show(form, "failed", body.error);
        } else if (response.redirected || (!json && (response.ok || response.status === 403))) {
          /* Sent to the sign-in page, or the form's CSRF token ended with the session. */
          show(form, "failed", t("session"));
        } else {
          show(form, "failed", t("http").replace("%(status)s", response.status));
        }
      });
    }).catch(function () {
      show(form, "failed", t("network"));
    }).then(function () {
      form._busy = false;
      if (form._again) { form._again = false; save(form); }
    });
  }

  function fold(form) {
    /* On a phone: the note, picker and other support behind one toggle (open when the
     * question has a refusal to correct). */
    var extra = form.querySelector(".lke-extra");
    if (!extra) { return; }
    var details = document.createElement("details");
    details.className = "lke-extra-fold";
    if (form.closest("article.has-error")) { details.open = true; }
    var summary = document.createElement("summary");
    summary.textContent = t("extra") + (extra.hasAttribute("data-filled") ? " (" + t("filled") + ")" : "");
    details.appendChild(summary);
    extra.parentNode.insertBefore(details, extra);
    details.appendChild(extra);
    /* A picker inside starts closed: its summary still says how many items are ticked. */
    var picker = extra.querySelector("details.evidence-pick");
    if (picker) { picker.open = false; }
  }

  document.querySelectorAll("form.lke-form[data-autosave]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      save(form);
    });
    form.addEventListener("change", function (ev) {
      /* Radios, ticks and a number save at once; a text on leaving it. */
      if (ev.target.name) { save(form); }
    });
    form.addEventListener("input", function (ev) {
      if (ev.target.tagName !== "TEXTAREA" && ev.target.type !== "text") { return; }
      show(form, "pending");
      window.clearTimeout(form._timer);
      form._timer = window.setTimeout(function () { save(form); }, TEXT_DELAY);
    });
    var submit = form.querySelector(".lke-submit");
    if (submit) { submit.hidden = true; }
    if (phone) { fold(form); }
    form.dataset.enhanced = "true";
  });
  updateJump(null);
})();
