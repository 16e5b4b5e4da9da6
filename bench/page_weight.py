"""Benchmark: bytes over the wire for the resident overview, against the product's budgets.

Starts the app (demo configuration, compression on, a temporary SQLite database with the demo data)
on a free loopback port, logs in as the red demo resident through the real DigiD flow (login page ->
test IdP -> ACS), and fetches / and every stylesheet and script it links with
Accept-Encoding: gzip, br. Budgets (docs/design/product.md):

  HTML + CSS                        <= 14 KB   (fits the first round trip)
  first visit incl. all JavaScript  <= 35 KB
  the app (issue 17): what registering the service worker adds to a page (its script and the
  head tags for manifest, icon and theme) <= 1 KB; the worker itself <= 5 KB compressed; the
  first visit with what the browser then fetches for the app in the background (the worker,
  the manifest, its 192 px icon, the worker's shell files not fetched yet) <= 35 KB

Sizes are response bodies as sent (compressed), without HTTP headers. Prints PASS/FAIL per budget
and exits 1 on any FAIL.

    .venv/bin/python bench/page_weight.py [--bsn 999993653]
"""

from __future__ import annotations

import argparse
import json
import logging
import socket
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.demo_login import log_in  # noqa: E402 - after the path line

KB = 1024
BUDGET_HTML_CSS = 14 * KB
BUDGET_FIRST_VISIT = 35 * KB
BUDGET_REGISTER = 1 * KB
BUDGET_WORKER = 5 * KB
# The tags in <head> that only the app needs (measured raw: an upper bound of what they add).
APP_HEAD_TAGS = "link[rel=manifest], meta[name=theme-color], link[rel=apple-touch-icon]"
RED_RESIDENT = "999993653"


@dataclass(frozen=True)
class Transfer:
    url: str
    kind: str  # html, css or js
    wire: int  # body bytes as sent
    raw: int  # body bytes after decompression
    encoding: str


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(workdir: Path, port: int):  # type: ignore[no-untyped-def]
    """The demo app with compression on, seeded, served threaded on 127.0.0.1:port."""
    from werkzeug.serving import make_server

    from app import create_app
    from app.config import DemoConfig
    from app.demo import seed_demo
    from app.digid.keys import ensure_keys
    from app.extensions import db

    base = f"http://127.0.0.1:{port}"
    saml = workdir / "saml"
    app = create_app(
        DemoConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'bench.sqlite'}",
        SAML_SP_BASE_URL=base,
        SAML_SP_KEY_FILE=str(saml / "sp.key"),
        SAML_SP_CERT_FILE=str(saml / "sp.crt"),
        TEST_IDP_KEY_FILE=str(saml / "idp.key"),
        TEST_IDP_CERT_FILE=str(saml / "idp.crt"),
    )
    assert app.config.get("COMPRESS_REGISTER", True), "compression must be on for this benchmark"
    ensure_keys(app.config)
    with app.app_context():
        db.create_all()
        seed_demo()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base


def fetch(session: requests.Session, url: str, kind: str, accept: str) -> tuple[Transfer, bytes]:
    response = session.get(url, headers={"Accept-Encoding": accept}, stream=True, timeout=30)
    response.raise_for_status()
    wire = response.raw.read(decode_content=False)
    encoding = response.headers.get("Content-Encoding", "identity")
    body = _decode(wire, encoding)
    return Transfer(url, kind, len(wire), len(body), encoding), body


def _decode(data: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        import gzip

        return gzip.decompress(data)
    if encoding == "deflate":
        import zlib

        return zlib.decompress(data)
    if encoding == "br":
        import brotli

        return bytes(brotli.decompress(data))
    return data


@dataclass(frozen=True)
class AppWeight:
    head_tags: int  # raw bytes of the app's tags in <head>
    register: int  # wire bytes of the registering script
    background: list[Transfer]  # what the browser fetches for the app after the page


def measure(base: str, bsn: str, accept: str) -> tuple[list[Transfer], AppWeight]:
    with requests.Session() as session:
        log_in(session, base, bsn)
        page, html = fetch(session, f"{base}/", "html", accept)
        transfers = [page]
        soup = BeautifulSoup(html, "html.parser")
        for link in soup.select('link[rel~="stylesheet"][href]'):
            url = urljoin(page.url, str(link["href"]))
            transfers.append(fetch(session, url, "css", accept)[0])
        for script in soup.select("script[src]"):
            url = urljoin(page.url, str(script["src"]))
            transfers.append(fetch(session, url, "js", accept)[0])
        return transfers, app_weight(session, base, soup, transfers, accept)


def app_weight(
    session: requests.Session,
    base: str,
    soup: BeautifulSoup,
    transfers: list[Transfer],
    accept: str,
) -> AppWeight:
    tags = soup.select(APP_HEAD_TAGS) + soup.select('script[src*="sw-register"]')
    register = sum(t.wire for t in transfers if "sw-register" in t.url)
    worker, body = fetch(session, f"{base}/sw.js", "sw", accept)
    background = [worker]
    manifest, data = fetch(session, f"{base}/manifest.webmanifest", "app", accept)
    background.append(manifest)
    icon = next(i["src"] for i in json.loads(data)["icons"] if i["sizes"] == "192x192")
    background.append(fetch(session, urljoin(base, icon), "app", accept)[0])
    fetched = {urlsplit(t.url).path + "?" + urlsplit(t.url).query for t in transfers}
    shell = json.loads(body.decode().splitlines()[0].removeprefix("var SHELL = ").rstrip(";"))
    for path in shell:
        key = path if "?" in path else path + "?"
        if key not in fetched:
            # Fetched without cookies, as the worker does.
            with requests.Session() as anonymous:
                background.append(fetch(anonymous, urljoin(base, path), "shell", accept)[0])
    return AppWeight(sum(len(str(t)) for t in tags), register, background)


def verdict(label: str, size: int, budget: int) -> bool:
    passed = size <= budget
    print(
        f"{'PASS' if passed else 'FAIL'}  {label:<22} {size:>7,} bytes ({size / KB:5.1f} KB)"
        f"  budget {budget / KB:.0f} KB ({budget - size:+,} bytes left)"
    )
    return passed


def report_app(transfers: list[Transfer], app: AppWeight) -> bool:
    print("The app (service worker, manifest), fetched after the page:")
    for t in app.background:
        print(f"{t.kind:<5} {t.wire:>8,} {t.raw:>8,}  {t.encoding:<8} {urlsplit(t.url).path}")
    worker = next(t.wire for t in app.background if t.kind == "sw")
    with_app = sum(t.wire for t in transfers) + sum(t.wire for t in app.background)
    ok = verdict("registering (+ tags)", app.register + app.head_tags, BUDGET_REGISTER)
    ok &= verdict("service worker", worker, BUDGET_WORKER)
    ok &= verdict("first visit incl. app", with_app, BUDGET_FIRST_VISIT)
    return ok


def report(transfers: list[Transfer]) -> bool:
    print(f"{'kind':<5} {'wire':>8} {'raw':>8}  {'enc':<8} url")
    for t in transfers:
        path = urlsplit(t.url).path
        print(f"{t.kind:<5} {t.wire:>8,} {t.raw:>8,}  {t.encoding:<8} {path}")
    html_css = sum(t.wire for t in transfers if t.kind in ("html", "css"))
    first_visit = sum(t.wire for t in transfers)
    ok = True
    for label, size, budget in (
        ("HTML + CSS", html_css, BUDGET_HTML_CSS),
        ("first visit incl. JS", first_visit, BUDGET_FIRST_VISIT),
    ):
        passed = size <= budget
        ok &= passed
        verdict = "PASS" if passed else "FAIL"
        print(
            f"{verdict}  {label:<22} {size:>7,} bytes ({size / KB:5.1f} KB)"
            f"  budget {budget / KB:.0f} KB ({budget - size:+,} bytes left)"
        )
    uncompressed = [t for t in transfers if t.encoding == "identity" and t.raw > 256]
    for t in uncompressed:
        print(f"note: {urlsplit(t.url).path} was sent uncompressed")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bsn", default=RED_RESIDENT, help="demo resident to log in as")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="page-weight-") as tmp:
        server, base = start_app(Path(tmp), free_port())
        try:
            transfers, app = measure(base, args.bsn, "gzip, br")
            gzip_only, _ = measure(base, args.bsn, "gzip, deflate")
        finally:
            server.shutdown()
    print(f"Resident overview (/) for demo BSN {args.bsn}, Accept-Encoding: gzip, br")
    ok = report(transfers)
    ok &= report_app(transfers, app)
    # Old browsers without brotli: for information, the budgets are for br.
    old_html_css = sum(t.wire for t in gzip_only if t.kind != "js")
    old_total = sum(t.wire for t in gzip_only)
    print(
        f"info  without br (gzip, deflate): HTML + CSS {old_html_css:,} bytes,"
        f" first visit {old_total:,} bytes"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
