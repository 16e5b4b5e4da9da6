"""Signed IdP metadata shaped like DigiD's: the test IdP's entity at an https:// address (as
DigiD's are), signed with the test IdP's key, optionally without a Redirect logout endpoint."""

from __future__ import annotations

from typing import Any

from saml2.config import IdPConfig

from app.digid.metadata import sign_metadata
from app.testidp import idp

DIGID_BASE = "https://digid.example.nl"


def digid_like_metadata(
    config: Any, *, base: str = DIGID_BASE, redirect_logout: bool = True
) -> bytes:
    conf = idp.idp_config_dict({**config, "SAML_SP_BASE_URL": base}, None)
    endpoints = conf["service"]["idp"]["endpoints"]
    if not redirect_logout:
        del endpoints["single_logout_service"]
    return sign_metadata(IdPConfig().load(conf)).encode()
