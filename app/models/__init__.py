"""Typed SQLAlchemy 2 models, one module per aggregate."""

from app.models.document import Document, DocumentStatus
from app.models.organisation import Organisation, StaffMember, StaffMembership
from app.models.resident import Dossier, DossierOrganisation, Resident
from app.models.saml import SamlOutstandingRequest, SamlSeenAssertion, TestIdpArtifact
from app.models.task import Holder, Task, TaskKind, TaskStatus
from app.models.timeline import ActorType, TimelineEvent

__all__ = [
    "ActorType",
    "Document",
    "DocumentStatus",
    "Dossier",
    "DossierOrganisation",
    "Holder",
    "Organisation",
    "Resident",
    "SamlOutstandingRequest",
    "SamlSeenAssertion",
    "StaffMember",
    "StaffMembership",
    "Task",
    "TaskKind",
    "TaskStatus",
    "TestIdpArtifact",
    "TimelineEvent",
]
