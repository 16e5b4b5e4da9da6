/* Small progressive enhancements. The page works fully without this file. */
/* Read aloud (docs/design/product.md, read-aloud hints). The buttons are made here, only when the browser has a
   voice for the page's language: without JS or without speech nothing shows, not even in w3m. Each
   [data-speak] in reading order is spoken once (its attribute, else its text); "Stop" ends it. */
(function () {
  "use strict";
  function words(el) {
    return (el.getAttribute("data-speak") || el.textContent).replace(/\s+/g, " ").trim();
  }
  function setupReadAloud(box) {
    var synth = window.speechSynthesis;
    if (!box || box.firstChild || !synth || typeof SpeechSynthesisUtterance !== "function") return;
    var lang = (document.documentElement.lang || "nl").toLowerCase();
    function voice(want) {
      var voices = synth.getVoices() || [];
      for (var i = 0; i < voices.length; i++) {
        if ((voices[i].lang || "").toLowerCase().replace("_", "-").split("-")[0] === (want || lang)) return voices[i];
      }
      return null;
    }
    /* Words marked in another language (lang="nl" on an English page: titles staff wrote) are
       spoken by a voice for that language, when the browser has one. */
    function pieces(el, text) {
      var out = [{ text: text, lang: lang }];
      el.querySelectorAll("[lang]").forEach(function (marked) {
        var other = marked.getAttribute("lang").toLowerCase(), words = marked.textContent.trim();
        if (!words || other === lang) return;
        out = out.reduce(function (acc, piece) {
          var at = piece.lang === lang ? piece.text.indexOf(words) : -1;
          if (at < 0) return acc.concat([piece]);
          return acc.concat([{ text: piece.text.slice(0, at), lang: lang }, { text: words, lang: other },
                             { text: piece.text.slice(at + words.length), lang: lang }]);
        }, []);
      });
      return out.filter(function (piece) { return piece.text.trim(); });
    }
    function button(label) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "button button-secondary";
      b.textContent = label;
      box.appendChild(b);
      return b;
    }
    function build() {
      var found = voice();
      if (box.firstChild || !found) return;
      var read = button(box.getAttribute("data-readaloud"));
      var stop = button(box.getAttribute("data-readaloud-stop"));
      stop.hidden = true;
      function done() { stop.hidden = true; }
      read.addEventListener("click", function () {
        var seen = {}, parts = [];
        var scope = document.getElementById("inhoud") || document.body;
        scope.querySelectorAll("h1, [data-speak]").forEach(function (el) {
          var text = words(el);
          if (text && !seen[text]) { seen[text] = true; parts = parts.concat(pieces(el, text)); }
        });
        synth.cancel();
        parts.forEach(function (piece, i) {
          var u = new SpeechSynthesisUtterance(piece.text), v = voice(piece.lang) || found;
          u.lang = v.lang;
          u.voice = v;
          if (i === parts.length - 1) { u.onend = done; u.onerror = done; }
          synth.speak(u);
        });
        stop.hidden = parts.length === 0;
      });
      stop.addEventListener("click", function () {
        synth.cancel();
        done();
        read.focus(); /* the Stop button hides itself: the focus goes back to "Read aloud" */
      });
    }
    build();
    if (!box.firstChild && synth.addEventListener) synth.addEventListener("voiceschanged", build);
  }
  function init(root) {
    var box = root.matches && root.matches("[data-readaloud]") ? root : root.querySelector("[data-readaloud]");
    setupReadAloud(box);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
  document.addEventListener("live:updated", function (e) { init(e.target); });
})();

/* A page that comes back with errors takes the focus to its error summary, as a form updated in
   place does (GOV.UK): the summary is read first and links to each field. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});

/* Focus after an htmx swap (WCAG 2.4.3): when the swap removed the focused element, move the focus
   to the news: the error summary, the status message, the heading, or the first new item. */
(function () {
  "use strict";
  var lost = false;
  function gone(el) { return !el || el === document.body || !document.body.contains(el); }
  function first(root, selector) { return root.matches(selector) ? root : root.querySelector(selector); }
  document.addEventListener("htmx:beforeSwap", function () {
    lost = !gone(document.activeElement); /* only a focus the user had can be lost */
  });
  document.addEventListener("htmx:afterSettle", function (evt) {
    if (!lost || !gone(document.activeElement)) { lost = false; return; }
    lost = false;
    /* innerHTML: the event comes from the target, the news is inside; outerHTML: from the news */
    var root = evt.target;
    var to = document.querySelector(".error-summary") ||
      (root === document.body && document.querySelector("main [role=status]")) ||
      first(root, "h1") || first(root, "li") || root;
    if (!to.matches("a[href], button, input, select, textarea, [tabindex]")) to.setAttribute("tabindex", "-1");
    to.focus();
  });
})();

/* Session time limit (WCAG 2.2.1): warn before the idle logout and offer to stay logged in.
   Without JS the server still ends the session and shows a kind page on the next request. */
(function () {
  "use strict";
  var box = document.querySelector("[data-session-left]");
  var text = document.getElementById("session-warning-text");
  if (!box || !text) return;
  var warnTimer, endTimer;
  function schedule(left) {
    var warn = parseInt(box.getAttribute("data-session-warn"), 10) || 120;
    clearTimeout(warnTimer); clearTimeout(endTimer);
    box.textContent = "";
    warnTimer = setTimeout(show, Math.max(0, left - warn) * 1000);
    endTimer = setTimeout(function () {
      window.location.href = box.getAttribute("data-session-expired-url");
    }, left * 1000 + 1000);
  }
  function show() {
    var back = document.activeElement; /* where the user was, to return to afterwards */
    box.textContent = "";
    box.innerHTML = text.textContent; /* the page's own markup, from a script element (base.html) */
    var form = box.querySelector("[data-session-extend]");
    /* The warning takes the focus, so the button is one Tab away wherever the user was; the
       text itself takes it, so a key pressed while typing does not press the button. */
    var notice = box.firstElementChild;
    notice.setAttribute("tabindex", "-1");
    notice.focus();
    form.addEventListener("submit", function (e) {
      if (!window.fetch) return; /* old browser: the plain form post does it */
      e.preventDefault();
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                           headers: { "HX-Request": "true" } })
        .then(function (r) {
          if (!r.ok) { form.submit(); return; }
          schedule(parseInt(box.getAttribute("data-session-idle"), 10)); /* removes the warning */
          var main = document.getElementById("inhoud");
          if (back && back !== document.body && document.body.contains(back)) { back.focus(); }
          else if (main) { main.focus(); }
        })
        .catch(function () { form.submit(); });
    });
  }
  schedule(parseInt(box.getAttribute("data-session-left"), 10) || 900);
})();

/* Print button on the print view: prints the page. Without JS it is a link to the PDF. */
(function () {
  "use strict";
  if (typeof window.print !== "function") return;
  /* Delegated, so it also works after htmx swapped the page in. */
  document.addEventListener("click", function (e) {
    var link = e.target && e.target.closest ? e.target.closest("a[data-print]") : null;
    if (!link) return;
    e.preventDefault();
    window.print();
  });
})();
