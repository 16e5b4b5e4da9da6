"""Run axe-core and the reflow checks on a Playwright page in Debian's Chromium.

    with chromium() as browser:
        page = browser.new_page()
        page.goto(url)
        assert audit(page) == []
        assert horizontal_overflow(page) == 0

axe-core comes from npm (node_modules/axe-core), installed by `make deps`. Playwright never
downloads a browser here: it drives /usr/bin/chromium.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the networking flags Chromium keeps calling out to Google, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.2 level A and AA, as the Dutch government requires (via EN 301 549).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# The smallest width WCAG 1.4.10 (reflow) asks for.
NARROW_WIDTH = 320


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}): {self.help} at {', '.join(self.targets)}"


@cache
def _axe_source() -> str:
    if not AXE_JS.exists():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `make deps` (npm ci)")
    return AXE_JS.read_text(encoding="utf-8") + "\n;undefined"


@contextmanager
def chromium(headless: bool = True) -> Iterator[Browser]:
    """Debian's Chromium through Playwright."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=headless, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def audit(page: Page, tags: list[str] | None = None) -> list[Violation]:
    """axe-core's WCAG 2.x A/AA violations on the page as it is now (empty list: none found)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated over the DevTools protocol, not as a <script>: the page's CSP allows no inline
        # script, and a test must not loosen it.
        page.evaluate(_axe_source())
    options = {
        "runOnly": {"type": "tag", "values": tags or WCAG_TAGS},
        "resultTypes": ["violations"],
    }
    result: dict[str, Any] = page.evaluate("options => axe.run(document, options)", options)
    return [
        Violation(
            rule=v["id"],
            impact=v.get("impact") or "",
            help=v["help"],
            targets=tuple(json.dumps(n["target"]) for n in v["nodes"]),
        )
        for v in result["violations"]
    ]


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no horizontal scrolling)."""
    return int(
        page.evaluate("() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")
    )


def overflowing_elements(page: Page, limit: int = 5) -> list[str]:
    """The innermost elements that stick out past the right edge of the viewport, or else
    whose text sticks out of them, for messages."""
    result: list[str] = page.evaluate(
        """limit => {
            const width = window.innerWidth;
            const out = [];
            const name = (el, what) => {
                const id = el.id ? `#${el.id}` : "";
                const cls = el.classList.length ? `.${[...el.classList].join(".")}` : "";
                const text = (el.textContent || "").trim().slice(0, 40);
                return `<${el.tagName.toLowerCase()}${id}${cls}> ${what}: "${text}"`;
            };
            // The innermost elements only (their ancestors stick out because of them); `by`
            // gives how many px an element is too wide, 0 when it fits.
            const innermost = (by, words) => {
                for (const el of document.body.querySelectorAll("*")) {
                    if (out.length >= limit) break;
                    const px = by(el);
                    if (px > 0 && ![...el.children].some(c => by(c) > 0)) {
                        out.push(name(el, `${px}px ${words}`));
                    }
                }
            };
            innermost(el => {
                const box = el.getBoundingClientRect();
                return box.width === 0 ? 0 : Math.max(0, Math.round(box.right - width - 0.5));
            }, "too wide");
            if (out.length) return out;
            // No box sticks out: then text sticks out of its own box (a long word that does not
            // wrap); name the innermost elements whose content is wider than they are.
            const textOver = el => (el.clientWidth ? el.scrollWidth - el.clientWidth - 1 : 0);
            innermost(textOver, "of text sticks out");
            return out;
        }""",
        limit,
    )
    return result


def set_text_size(page: Page, percent: int = 200) -> None:
    """Scale the root font size, as a browser's text-size setting does (WCAG 1.4.4).

    Through the CSSOM (allowed by the page's CSP, unlike an injected <style>), relative to the
    size the page's own CSS gives the root, so 200% means twice what the resident sees.
    """
    page.evaluate(
        """percent => {
            const html = document.documentElement;
            const base = parseFloat(getComputedStyle(html).fontSize);
            html.style.setProperty("font-size", `${base * percent / 100}px`, "important");
        }""",
        percent,
    )


def reset_text_size(page: Page) -> None:
    """Back to the text size the page's own CSS gives (undoes set_text_size)."""
    page.evaluate("() => document.documentElement.style.removeProperty('font-size')")


def set_width(page: Page, width: int) -> None:
    """Resize the viewport of a loaded page (CSS media queries apply anew, as when a person
    resizes the window): checking a page at several widths needs one load, not one per width."""
    height = page.viewport_size["height"] if page.viewport_size else 800
    page.set_viewport_size({"width": width, "height": height})
    shown = page.evaluate("() => window.innerWidth")
    assert shown == width, f"asked for a {width}px viewport, the page has {shown}px"


# Controls that only JS can make work: shown by JS, absent (hidden) without it.
# What JavaScript adds (read-aloud buttons) or what shows only without it (<noscript> notes).
JS_ENHANCEMENTS = ("[data-readaloud]", "noscript")


def main_text(page: Page, exclude: tuple[str, ...] = JS_ENHANCEMENTS) -> str:
    """The visible text of <main>, whitespace-normalised, for comparing JS on and off.

    Elements matching `exclude` are left out (hidden through the CSSOM first)."""
    if exclude:
        page.evaluate(
            """selector => document.querySelectorAll(selector).forEach(
                el => el.style.setProperty("display", "none", "important"))""",
            ", ".join(exclude),
        )
    text = page.locator("main").inner_text()
    return " ".join(text.split())
