"""Typed SQLAlchemy 2 models, one module per aggregate."""

from app.models.access_log import AccessLog
from app.models.appointment import (
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
    Channel,
)
from app.models.data_export import DataExport, ExportStatus
from app.models.document import Document, DocumentStatus
from app.models.feedback import PageFeedback
from app.models.login_failure import LoginFailure
from app.models.notification import Notification, NotificationEvent, ReminderPreference
from app.models.organisation import Organisation, StaffMember, StaffMembership
from app.models.push import PushSubscription
from app.models.question import Question, QuestionMessage, QuestionStatus
from app.models.resident import Dossier, DossierOrganisation, Resident
from app.models.saml import SamlOutstandingRequest, SamlSeenAssertion, TestIdpArtifact
from app.models.task import Holder, Task, TaskKind, TaskStatus
from app.models.timeline import ActorType, TimelineEvent

__all__ = [
    "AccessLog",
    "ActorType",
    "Appointment",
    "AppointmentSlot",
    "AppointmentStatus",
    "Channel",
    "DataExport",
    "Document",
    "DocumentStatus",
    "Dossier",
    "DossierOrganisation",
    "ExportStatus",
    "Holder",
    "LoginFailure",
    "Notification",
    "NotificationEvent",
    "Organisation",
    "PageFeedback",
    "PushSubscription",
    "Question",
    "QuestionMessage",
    "QuestionStatus",
    "ReminderPreference",
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
