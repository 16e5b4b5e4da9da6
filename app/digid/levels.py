"""DigiD levels of assurance (betrouwbaarheidsniveaus): AuthnContextClassRef URNs, lowest first."""

from __future__ import annotations

BASIS = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
MIDDEN = "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract"
SUBSTANTIEEL = "urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard"
HOOG = "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI"

# name -> URN, in order from lowest to highest.
LEVELS: dict[str, str] = {
    "basis": BASIS,
    "midden": MIDDEN,
    "substantieel": SUBSTANTIEEL,
    "hoog": HOOG,
}
ORDER: tuple[str, ...] = tuple(LEVELS.values())


def urn_for(name: str) -> str:
    """The URN for a level name from the settings; unknown names are a configuration error."""
    try:
        return LEVELS[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown DigiD level {name!r}; use one of {', '.join(LEVELS)}") from None


def name_for(urn: str) -> str | None:
    for name, value in LEVELS.items():
        if value == urn.strip():
            return name
    return None


def meets(returned: str, required: str) -> bool:
    """True when the returned level is at least the required one (higher is fine)."""
    returned = returned.strip()
    if returned not in ORDER or required not in ORDER:
        return False
    return ORDER.index(returned) >= ORDER.index(required)
