"""The demo's residents, by test BSN (shown in the README and on the test IdP's page).

Test BSNs pass the 11-proef and come from the 9999xxxxx range used for testing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DemoResident:
    bsn: str
    first_name: str
    initials: str
    last_name: str
    born: date
    shows: str


# Shown in the README and on the test IdP's page.
DEMO_RESIDENTS = (
    DemoResident("999993653", "Jan", "J.", "de Vries", date(1968, 3, 14), "rood: actie nodig"),
    DemoResident(
        "999900006", "Fatima", "F.", "el Amrani", date(1985, 9, 2), "rood: iets is te laat"
    ),
    DemoResident(
        "999900018", "Kees", "K.", "Bakker", date(1952, 11, 30), "oranje: organisaties zijn bezig"
    ),
    DemoResident("999900031", "Sanne", "S.", "Jansen", date(1993, 5, 21), "groen: alles klaar"),
    DemoResident(
        "999900043",
        "Mohamed",
        "M.",
        "Yilmaz",
        date(1979, 1, 8),
        "lange geschiedenis (200+ gebeurtenissen)",
    ),
)
# Passes the 11-proef but has no resident: shows the "no dossier" page.
DEMO_BSN_WITHOUT_DOSSIER = "999900055"
