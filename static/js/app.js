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
