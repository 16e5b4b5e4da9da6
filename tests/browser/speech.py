"""A stand-in for the browser's speech synthesis (headless Chromium has no voices): it records what
would be spoken and whether it was stopped. Load it with page.add_init_script."""

from __future__ import annotations


def fake_speech(*langs: str) -> str:
    voices = ", ".join(f'{{ lang: "{lang}", name: "{lang}" }}' for lang in langs)
    return f"""(() => {{
  window.__spoken = [];
  window.__langs = [];
  window.__cancelled = 0;
  const synth = {{
    getVoices: () => [{voices}],
    speak: (u) => {{ window.__spoken.push(u.text); window.__langs.push(u.lang); }},
    cancel: () => {{ window.__cancelled += 1; }},
    addEventListener: () => {{}},
  }};
  Object.defineProperty(window, "speechSynthesis", {{ configurable: true, get: () => synth }});
  window.SpeechSynthesisUtterance = function (text) {{ this.text = text; }};
}})()"""
