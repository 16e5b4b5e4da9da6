"""The request headers a real htmx client sends (htmx 2, getHeaders in htmx.js), so a test asks
the way the browser does and not with a lone HX-Request.

Every htmx request carries HX-Request: true and HX-Current-URL (the page it was sent from).
HX-Target is the id of the element the answer is swapped into, HX-Trigger and HX-Trigger-Name
the id and name of the element that sent it; htmx leaves each out when there is none. A link or
form under hx-boost adds HX-Boosted: true and is swapped into the whole body, and so is a
history restore (the back button; this app keeps no history cache): both must get the full page.

    client.get("/", headers=fragment_request("/", target="overzicht"))   # the refresh link
    client.post(url, data=..., headers=boosted_request(url))             # a boosted form
"""

from __future__ import annotations

# Any origin does: the app reads HX-Current-URL nowhere, but htmx always sends it.
ORIGIN = "http://localhost"


def fragment_request(
    page: str,
    *,
    target: str | None = None,
    trigger: str | None = None,
    trigger_name: str | None = None,
) -> dict[str, str]:
    """An hx-get/hx-post from the page at `page`, swapped into the element with id `target`."""
    headers = {"HX-Request": "true", "HX-Current-URL": ORIGIN + page}
    if target:
        headers["HX-Target"] = target
    if trigger:
        headers["HX-Trigger"] = trigger
    if trigger_name:
        headers["HX-Trigger-Name"] = trigger_name
    return headers


def boosted_request(page: str) -> dict[str, str]:
    """A link or form under hx-boost on the page at `page` (the body has no id: no HX-Target)."""
    return {"HX-Request": "true", "HX-Boosted": "true", "HX-Current-URL": ORIGIN + page}


def history_restore_request(page: str) -> dict[str, str]:
    """htmx fetching a page it pushed into the history, when the resident goes back to it."""
    return {
        "HX-Request": "true",
        "HX-History-Restore-Request": "true",
        "HX-Current-URL": ORIGIN + page,
    }
