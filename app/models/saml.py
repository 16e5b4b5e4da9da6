"""Server-side SAML state: outstanding AuthnRequests (one-shot), seen assertions (replay cache)
and, for the built-in test IdP only, the artifacts it has issued (single use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow
from app.models.types import UTCDateTime


class SamlOutstandingRequest(db.Model):  # type: ignore[name-defined]
    __tablename__ = "saml_outstanding_request"

    request_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    # Where to go after login (a local path, validated).
    came_from: Mapped[str] = mapped_column(String(200), default="/")
    # The level asked for (an AuthnContextClassRef URN).
    requested_level: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SamlSeenAssertion(db.Model):  # type: ignore[name-defined]
    __tablename__ = "saml_seen_assertion"

    assertion_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TestIdpArtifact(db.Model):  # type: ignore[name-defined]
    """Artifacts issued by the built-in test IdP; popped on resolution so each works once."""

    __tablename__ = "test_idp_artifact"
    __test__ = False  # not a pytest test class

    artifact: Mapped[str] = mapped_column(String(200), primary_key=True)
    response_xml: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
