"""Copy third-party JS from node_modules into static/vendor/ under fingerprinted names.

Writes static/vendor/manifest.json ({"htmx.js": "vendor/htmx-<hash>.min.js"}), which app/assets.py
reads, and removes hashed copies left over from earlier versions. Run by `make assets`.
Also draws the app icons (PNG, for the web app manifest and iOS) from our own SVG,
static/img/app-icon.svg, with Pillow: no binary image in the repository.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"

# manifest key -> (source under node_modules, stem of the hashed copy)
ASSETS = {
    "htmx.js": (ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js", "htmx"),
}


def build() -> dict[str, str]:
    VENDOR.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, str] = {}
    for key, (source, stem) in ASSETS.items():
        if not source.exists():
            raise SystemExit(f"{source} is missing: run `npm ci` first (or `make deps`).")
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:10]
        name = f"{stem}-{digest}.min.js"
        shutil.copyfile(source, VENDOR / name)
        for stale in VENDOR.glob(f"{stem}-*.min.js"):
            if stale.name != name:
                stale.unlink()
        manifest[key] = f"vendor/{name}"
    manifest.update(build_icons())
    (VENDOR / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


ICON_SOURCE = ROOT / "static" / "img" / "app-icon.svg"
# manifest key -> (size in px, maskable). A maskable icon fills its square (the system cuts
# its own shape) and keeps what matters inside the middle 80% circle.
ICONS = {
    "icon-192.png": (192, False),
    "icon-512.png": (512, False),
    "icon-maskable-512.png": (512, True),
    "apple-touch-icon.png": (180, True),  # iOS rounds the corners itself
}
SUPERSAMPLE = 4  # draw larger, then scale down: smooth edges


def draw_icon(svg: Path, size: int, maskable: bool) -> Image.Image:
    """Draw the SVG's rect and circles (all it has) with Pillow."""
    root = ET.parse(svg).getroot()  # noqa: S314 (our own file in the repository)
    ns = "{http://www.w3.org/2000/svg}"
    box = float(root.attrib["viewBox"].split()[2])
    big = size * SUPERSAMPLE
    scale = big / box
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    for rect in root.iter(f"{ns}rect"):
        radius = 0 if maskable else float(rect.attrib.get("rx", 0)) * scale
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=radius, fill=rect.attrib["fill"])
    shrink = 0.8 if maskable else 1.0
    for circle in root.iter(f"{ns}circle"):
        cx, cy, r = (float(circle.attrib[k]) for k in ("cx", "cy", "r"))
        cx = box / 2 + (cx - box / 2) * shrink
        cy = box / 2 + (cy - box / 2) * shrink
        r *= shrink
        pen.ellipse(
            ((cx - r) * scale, (cy - r) * scale, (cx + r) * scale, (cy + r) * scale),
            fill=circle.attrib["fill"],
        )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def build_icons() -> dict[str, str]:
    manifest: dict[str, str] = {}
    for key, (size, maskable) in ICONS.items():
        stem = key.removesuffix(".png")
        # A palette of 32 colours: a third of the bytes, no visible difference (flat shapes).
        image = draw_icon(ICON_SOURCE, size, maskable).quantize(
            colors=32, method=Image.Quantize.FASTOCTREE
        )
        data = io.BytesIO()
        image.save(data, format="PNG", optimize=True)
        name = f"{stem}-{hashlib.sha256(data.getvalue()).hexdigest()[:10]}.png"
        (VENDOR / name).write_bytes(data.getvalue())
        for stale in VENDOR.glob(f"{stem}-*.png"):
            if stale.name != name:
                stale.unlink()
        manifest[key] = f"vendor/{name}"
    return manifest


if __name__ == "__main__":
    for key, path in build().items():
        print(f"{key} -> static/{path}")
    sys.exit(0)
