from __future__ import annotations

import pytest
from flask import Flask

from app.models import ActorType, Organisation, StaffMember, TimelineEvent
from app.services.timeline import EVENT_TEXTS, actor_text, event_text


@pytest.fixture
def org() -> Organisation:
    return Organisation(name="Gemeente Rijnstad", slug="g", kind="gemeente")


def event(org: Organisation, **kw: object) -> TimelineEvent:
    base: dict[str, object] = {
        "kind": "document_approved",
        "subject": "Loonstrook",
        "organisation": org,
        "actor_type": ActorType.SYSTEM,
    }
    base.update(kw)
    return TimelineEvent(**base)


def test_every_kind_has_a_sentence(app: Flask, org: Organisation) -> None:
    with app.test_request_context():
        for kind in EVENT_TEXTS:
            assert event_text(event(org, kind=kind))


def test_actor_words(app: Flask, org: Organisation) -> None:
    staff = StaffMember(name="P. Jansen", email="p@example.nl")
    with app.test_request_context():
        assert actor_text(event(org, actor_type=ActorType.RESIDENT)) == "Door u"
        assert actor_text(event(org, actor_type=ActorType.STAFF, actor_staff=staff)) == (
            "Door P. Jansen, Gemeente Rijnstad"
        )
        assert actor_text(
            event(org, actor_type=ActorType.STAFF, actor_staff=staff, on_behalf_of_resident=True)
        ) == ("Door P. Jansen (Gemeente Rijnstad) voor u")
        assert actor_text(event(org)) == "Door Gemeente Rijnstad"
