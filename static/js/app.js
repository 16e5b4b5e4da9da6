/* Small progressive enhancements. The page works fully without this file. */
(function () {
  "use strict";
  function setupReadAloud(root) {
    var button = root.querySelector("[data-readaloud]");
    if (!button || !("speechSynthesis" in window) || typeof SpeechSynthesisUtterance !== "function") {
      return; /* no speech in this browser: the button stays hidden */
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var parts = [];
      var h1 = document.querySelector("h1");
      if (h1) parts.push(h1.textContent.trim());
      var now = document.querySelector(".light-now");
      if (now) parts.push(now.textContent.trim());
      var urgent = document.querySelector(".now");
      if (urgent) parts.push(urgent.textContent.replace(/\s+/g, " ").trim());
      document.querySelectorAll("[data-speak]").forEach(function (el) {
        parts.push(el.getAttribute("data-speak"));
      });
      window.speechSynthesis.cancel();
      var utterance = new SpeechSynthesisUtterance(parts.join(". "));
      utterance.lang = document.documentElement.lang || "nl";
      window.speechSynthesis.speak(utterance);
    });
  }
  function init(root) { setupReadAloud(root || document); }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();

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
  if (!box || !text || !("content" in text)) return;
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
    box.appendChild(text.content.cloneNode(true));
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
