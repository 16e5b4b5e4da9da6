"""Logging in to a running demo as a resident, the real way, for the benchmarks that measure
pages over HTTP (bench/page_weight.py, bench/throughput.py)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import requests
from bs4 import BeautifulSoup


def log_in(session: requests.Session, base: str, bsn: str) -> None:
    """The real flow: /inloggen/digid -> the test IdP's form -> choose the BSN -> ACS -> /."""
    idp_page = session.get(f"{base}/inloggen/digid", params={"next": "/"}, timeout=30)
    idp_page.raise_for_status()
    soup = BeautifulSoup(idp_page.text, "html.parser")
    form = soup.find("form", action="/test-idp/sso")
    if form is None:
        raise SystemExit(f"no test IdP form at {idp_page.url}")
    data = {str(i["name"]): str(i.get("value", "")) for i in form.find_all("input", type="hidden")}
    data.update({"bsn": bsn, "other_bsn": "", "level": "midden", "action": "login"})
    landed = session.post(urljoin(idp_page.url, "/test-idp/sso"), data=data, timeout=30)
    landed.raise_for_status()
    if urlsplit(landed.url).path != "/":
        raise SystemExit(f"login as {bsn} ended on {landed.url}, not on /")


if __name__ == "__main__":
    print("bench/demo_login.py: the resident login the page benchmarks share; nothing to run")
