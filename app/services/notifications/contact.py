"""Whom a reminder or change notice tells the resident to call ({contact} in the texts).

The organisation the message is about, with the phone number and opening hours its beheerder
set (/beheer/organisatie/<id>), read when the message is sent, so a changed number applies to
messages still waiting. A message about several organisations, or an organisation without a
phone number (or no longer linked to the dossier), names the help line (HELP_PHONE, HELP_HOURS)
instead. Only a name, a number and opening hours: never what the message is about.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.models import Organisation, Resident


def _organisation(resident: Resident, personalisation: Mapping[str, Any]) -> Organisation | None:
    names = {str(n) for n in personalisation.get("organisations", []) if n}
    if not names and personalisation.get("organisation"):
        names = {str(personalisation["organisation"])}
    if len(names) != 1 or resident.dossier is None:
        return None
    (name,) = names
    return next((o for o in resident.dossier.organisations if o.name == name), None)


def contact_values(
    resident: Resident | None,
    personalisation: Mapping[str, Any],
    lang: str,
    config: Mapping[str, Any],
) -> dict[str, Any]:
    """contact_name ('' for the help line), contact_phone, contact_hours and contact_dutch
    (the hours are Dutch words: an organisation writes them in Dutch)."""
    organisation = _organisation(resident, personalisation) if resident is not None else None
    if organisation is not None and organisation.phone:
        return {
            "contact_name": organisation.name,
            "contact_phone": organisation.phone,
            "contact_hours": organisation.opening_hours,
            "contact_dutch": True,
        }
    english = lang == "en" and bool(config.get("HELP_HOURS_EN"))
    return {
        "contact_name": "",
        "contact_phone": str(config.get("HELP_PHONE", "")),
        "contact_hours": str(config["HELP_HOURS_EN"] if english else config.get("HELP_HOURS", "")),
        "contact_dutch": not english,
    }
