"""SAML keys for tests (the DigiD work fills this in: generate keys into the instance dir)."""

from __future__ import annotations

from pathlib import Path


def saml_test_settings(instance_dir: Path) -> dict[str, object]:
    return {}
