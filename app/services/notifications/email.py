"""Reminder e-mail over SMTP (smtplib): a text part and a simple accessible HTML part.

The notification id is the Message-ID, so a message sent twice after a crash can be recognised.
SMTP replies: 4xx and connection trouble are temporary (retried), 5xx for the recipient or the
message is permanent. Configuration problems (login refused, STARTTLS missing) are retried:
they are ours to fix, not the resident's, and end as technical-failure if nobody does.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from flask import render_template

from app.services.notifications.errors import PermanentFailure, TransientFailure
from app.services.notifications.templates import Rendered, stop_text
from app.services.notifications.unsubscribe import StopLinks


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str = ""
    password: str = ""
    starttls: bool = False
    use_ssl: bool = False
    timeout: float = 20.0
    mail_from: str = "herinnering@example.nl"
    message_id_domain: str = "example.nl"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        return cls(
            host=config["SMTP_HOST"],
            port=int(config["SMTP_PORT"]),
            user=config["SMTP_USER"],
            password=config["SMTP_PASSWORD"],
            starttls=bool(config["SMTP_STARTTLS"]),
            use_ssl=bool(config["SMTP_SSL"]),
            timeout=float(config["SMTP_TIMEOUT"]),
            mail_from=config["MAIL_FROM"],
            message_id_domain=config["MAIL_MESSAGE_ID_DOMAIN"],
        )


class UriListHeader(UnstructuredHeader, BaseHeader):
    """List-Unsubscribe: '<https://...>, <mailto:...>' folded only between the URIs.

    The default policy turns a word longer than 78 characters (our link) into RFC 2047
    encoded-words, and mail providers do not decode those in this header: the one-click button
    would silently be missing. A line may be up to 998 characters (RFC 5322)."""

    def fold(self, *, policy: Any) -> str:
        uris = re.findall(r"<[^>]*>", str(self)) or [str(self)]
        return f"{self.name}: " + f",{policy.linesep} ".join(uris) + policy.linesep


_headers = HeaderRegistry()
_headers.map_to_type("list-unsubscribe", UriListHeader)
MAIL_POLICY = policy.default.clone(header_factory=_headers)


def message_id(notification_id: str, domain: str) -> str:
    return f"<{notification_id}@{domain}>"


def build_message(
    notification_id: str,
    to: str,
    rendered: Rendered,
    settings: SmtpSettings,
    *,
    stop: StopLinks,
) -> EmailMessage:
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["From"] = settings.mail_from
    msg["To"] = to
    msg["Subject"] = rendered.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = message_id(notification_id, settings.message_id_domain)
    # Tells mail servers and auto-responders this is an automatic message (RFC 3834).
    msg["Auto-Submitted"] = "auto-generated"
    msg["Content-Language"] = rendered.lang
    # One-click stop (RFC 8058): mail programs show a "stop" button and POST to the https link.
    msg["List-Unsubscribe"] = stop.list_unsubscribe
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text_part(rendered, stop))
    msg.add_alternative(html_part(rendered, stop), subtype="html")
    return msg


def text_part(rendered: Rendered, stop: StopLinks) -> str:
    words = stop_text(rendered.lang)
    return f"{rendered.text}\n\n{words.question} {words.go_to}\n{stop.url}\n"


def html_part(rendered: Rendered, stop: StopLinks) -> str:
    words = stop_text(rendered.lang)
    return render_template("email/reminder.html", message=rendered, stop=stop, stop_words=words)


def _code_failure(code: int, text: str) -> TransientFailure | PermanentFailure:
    reason = f"smtp {code} {text}".strip()
    if 400 <= code < 500:
        return TransientFailure(reason)
    return PermanentFailure(reason)


def _decode(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def send_email(msg: EmailMessage, settings: SmtpSettings) -> str:
    """Send one message; return the provider reference (the Message-ID)."""
    try:
        if settings.use_ssl:
            context = ssl.create_default_context()
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with smtp:
            if settings.starttls and not settings.use_ssl:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password)
            refused = smtp.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        # One recipient per message, so "all refused" is this one; take its code.
        code, text = next(iter(exc.recipients.values()))
        raise _code_failure(code, _decode(text)) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise TransientFailure(f"smtp login refused {exc.smtp_code}") from exc
    except smtplib.SMTPResponseException as exc:
        # SMTPSenderRefused, SMTPDataError, ...: the server's code decides.
        raise _code_failure(exc.smtp_code, _decode(exc.smtp_error)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        # Refused or dropped connections, timeouts, TLS trouble, STARTTLS not offered.
        raise TransientFailure(f"smtp {type(exc).__name__}: {exc}") from exc
    if refused:
        # Partial refusal returns normally with the refused recipients (ours is the only one).
        code, text = next(iter(refused.values()))
        raise _code_failure(code, _decode(text))
    return str(msg["Message-ID"])
