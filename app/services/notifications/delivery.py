"""deliver(id): send one reminder, at most once per claim.

1. Claim: UPDATE ... SET status='sending', attempts=attempts+1, lease_until=... WHERE id=:id AND
   status='created' (and it is not early or expired). No row: another job has it, it was sent or
   cancelled: return. This is what makes a job enqueued twice, or run by two workers, harmless.
2. Check the resident's choice and address again, render the pinned template version, commit.
3. Send with the notification id as Message-ID / gateway reference, the session closed.
4. Record `sent` at once; or retry later (backoff kept in the row, RQ only carries the job);
   or permanent-failure; or technical-failure after the last attempt.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import or_

from app import clock
from app.extensions import db
from app.models import Notification, Resident
from app.models.notification import Channel, NotificationStatus, ReminderKind
from app.services.notifications.confirmation import is_waiting
from app.services.notifications.contact import contact_values
from app.services.notifications.dispatch import enqueue_deliver, reminder_queue
from app.services.notifications.email import SmtpSettings, build_message, send_email
from app.services.notifications.errors import PermanentFailure, TransientFailure
from app.services.notifications.outbox import transition_one
from app.services.notifications.preferences import address_for, preferences_for
from app.services.notifications.push import PushSettings, send_push, subscriptions_of
from app.services.notifications.push import message as push_message
from app.services.notifications.quiet_hours import next_allowed
from app.services.notifications.sms import SmsGateway, SpryngGateway
from app.services.notifications.templates import render
from app.services.notifications.unsubscribe import stop_links

log = logging.getLogger(__name__)

SENDING = NotificationStatus.SENDING
# Seconds to wait after attempt 1, 2, 3, ... (the last value repeats).
BACKOFF = (60, 300, 900, 3600, 14400)
# notification.provider per channel (SMS: the gateway's name).
PROVIDERS = {Channel.EMAIL: "smtp", Channel.PUSH: "webpush"}


def sms_gateway() -> SmsGateway:
    return SpryngGateway.from_config(current_app.config)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF[min(attempts, len(BACKOFF)) - 1])


def claim(notification_id: str, now: datetime) -> bool:
    lease = timedelta(seconds=current_app.config["REMINDER_LEASE_SECONDS"])
    return transition_one(
        notification_id,
        [NotificationStatus.CREATED],
        SENDING,
        extra_where=[
            or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
            or_(Notification.expires_at.is_(None), Notification.expires_at > now),
        ],
        detail="claimed",
        attempts=Notification.attempts + 1,
        lease_until=now + lease,
    )


def deliver(notification_id: str) -> str:
    """Returns what happened: sent / retry / permanent-failure / technical-failure / cancelled /
    skipped (not claimable: a duplicate job, or already handled)."""
    now = clock.now()
    if not claim(notification_id, now):
        db.session.rollback()
        return "skipped"
    row = db.session.get(Notification, notification_id, populate_existing=True)
    assert row is not None
    resident = db.session.get(Resident, row.resident_id)
    prefs = preferences_for(row.resident_id)
    address = address_for(resident, row.channel) if resident is not None else ""
    reason = None
    if not prefs.allows(row.kind, row.channel):
        reason = "opted-out"
    elif not address:
        reason = "no-address"
    elif row.kind is not ReminderKind.CONFIRM and is_waiting(row.resident_id, row.channel, address):
        reason = "unconfirmed"
    if reason is not None:
        transition_one(
            row.id,
            [SENDING],
            NotificationStatus.CANCELLED,
            status_reason=reason,
            detail=reason,
            lease_until=None,
        )
        db.session.commit()
        return "cancelled"
    lang = resident.language if resident is not None else "nl"
    # Whom to call: read now, not stored in the row (texts without {contact} ignore it).
    contact = contact_values(resident, row.personalisation, lang, current_app.config)
    rendered = render(
        row.template,
        row.template_version,
        row.channel,
        lang,
        {**row.personalisation, **contact},
        current_app.config["PORTAL_URL"],
    )
    gateway = sms_gateway() if row.channel is Channel.SMS else None
    row.to_address = address
    row.provider = PROVIDERS.get(row.channel) or (gateway.name if gateway else "")
    channel, attempts = row.channel, row.attempts
    message = (
        build_message(
            row.id,
            address,
            rendered,
            SmtpSettings.from_config(current_app.config),
            stop=stop_links(row.resident_id, Channel.EMAIL),
        )
        if channel is Channel.EMAIL
        else None
    )
    # Push: the devices and the message, read now (the session is closed while sending).
    devices = subscriptions_of(row.resident_id) if channel is Channel.PUSH else []
    notice = push_message(lang, row.subject_type)
    db.session.commit()
    db.session.close()  # no connection held while waiting for the provider
    try:
        if channel is Channel.EMAIL:
            assert message is not None
            reference = send_email(message, SmtpSettings.from_config(current_app.config))
        elif channel is Channel.PUSH:
            reference = send_push(devices, notice, PushSettings.from_config(current_app.config))
        else:
            assert gateway is not None
            reference = gateway.send(address, rendered.text, notification_id)
    except TransientFailure as exc:
        return _failed_for_now(notification_id, attempts, exc)
    except PermanentFailure as exc:
        transition_one(
            notification_id,
            [SENDING],
            NotificationStatus.PERMANENT_FAILURE,
            status_reason=exc.reason,
            detail=exc.reason,
            lease_until=None,
        )
        db.session.commit()
        return "permanent-failure"
    sent = transition_one(
        notification_id,
        [SENDING],
        NotificationStatus.SENT,
        provider_reference=reference,
        sent_at=clock.now(),
        lease_until=None,
        status_reason=None,
        detail=f"accepted {reference}",
    )
    db.session.commit()
    if not sent:
        # A receipt came in first, or the lease ran out meanwhile: keep its status.
        log.warning("reminders: %s sent but no longer 'sending'", notification_id)
    return "sent"


def _failed_for_now(notification_id: str, attempts: int, exc: TransientFailure) -> str:
    now = clock.now()
    if attempts >= current_app.config["REMINDER_MAX_ATTEMPTS"]:
        transition_one(
            notification_id,
            [SENDING],
            NotificationStatus.TECHNICAL_FAILURE,
            status_reason=exc.reason,
            detail=f"last attempt: {exc.reason}",
            lease_until=None,
        )
        db.session.commit()
        return "technical-failure"
    delay = backoff(attempts)
    if exc.retry_after is not None:
        delay = max(delay, timedelta(seconds=exc.retry_after))
    prefs = preferences_for(
        db.session.get(Notification, notification_id).resident_id  # type: ignore[union-attr]
    )
    retry_at = next_allowed(now + delay, prefs.quiet_start, prefs.quiet_end)
    # queued_at = retry_at: the dispatcher re-queues only if the scheduled job is lost.
    moved = transition_one(
        notification_id,
        [SENDING],
        NotificationStatus.CREATED,
        status_reason=exc.reason,
        detail=f"retry: {exc.reason}",
        lease_until=None,
        next_attempt_at=retry_at,
        queued_at=retry_at,
    )
    db.session.commit()
    if moved:
        try:
            enqueue_deliver(reminder_queue(), notification_id, attempts, at=retry_at)
        except RedisError:
            log.warning(
                "reminders: could not schedule retry of %s; the dispatcher will", notification_id
            )
    return "retry"
