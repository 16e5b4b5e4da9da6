"""Resident self-service parts that may not be in this build yet (appointments, questions).

Staff pages offer an action only when the service behind it exists: the staff side never does
the resident's work itself, it calls the same service functions.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from app.models import Dossier


def service(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"app.services.{name}")
    except ImportError:
        return None


def has_appointments() -> bool:
    return service("appointments") is not None


def has_questions() -> bool:
    return service("questions") is not None


def open_questions(dossier: Dossier, org_ids: set[int]) -> list[Any]:
    """Questions of this dossier for these organisations, waiting ones first."""
    questions = service("questions")
    if questions is None:
        return []
    found = [q for q in questions.questions_of(dossier) if q.organisation_id in org_ids]
    return sorted(found, key=lambda q: q.status.value != "waiting")


def appointment_list(dossier: Dossier) -> list[Any]:
    appointments = service("appointments")
    if appointments is None:
        return []
    return list(appointments.appointments_of(dossier))
