"""Copy third-party JS from node_modules into static/vendor/ under fingerprinted names.

Writes static/vendor/manifest.json ({"htmx.js": "vendor/htmx-<hash>.min.js"}), which app/assets.py
reads, and removes hashed copies left over from earlier versions. Run by `make assets`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

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
    (VENDOR / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


if __name__ == "__main__":
    for key, path in build().items():
        print(f"{key} -> static/{path}")
    sys.exit(0)
