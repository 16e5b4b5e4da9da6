"""The contact-details and reminder-choices form. Addresses are checked in validate(), where a
choice and the address it needs are looked at together."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import InputRequired

from app.services.notifications.preferences import (
    InvalidPhone,
    is_valid_email,
    normalise_mobile,
)

CHANNEL_CHOICES = [
    ("both", _l("By e-mail and text message")),
    ("email", _l("By e-mail only")),
    ("sms", _l("By text message only")),
    ("none", _l("No reminders")),
]
CHANGE_CHOICES = [*CHANNEL_CHOICES[:3], ("none", _l("No messages"))]
HOURS = [(f"{h:02d}:00", f"{h:02d}:00") for h in range(24)]


class ReminderForm(FlaskForm):
    email = StringField(
        _l("E-mail address"),
        render_kw={
            "autocomplete": "email",
            "type": "email",
            "spellcheck": "false",
            "maxlength": 254,
        },
    )
    phone = StringField(
        _l("Mobile phone number"), render_kw={"autocomplete": "tel", "type": "tel", "maxlength": 20}
    )
    appointment = RadioField(
        _l("Reminders about appointments"),
        choices=CHANNEL_CHOICES,
        validators=[InputRequired(message=_l("Choose how you want them."))],
    )
    document = RadioField(
        _l("Reminders about documents you need to send"),
        choices=CHANNEL_CHOICES,
        validators=[InputRequired(message=_l("Choose how you want them."))],
    )
    # Change notices (templates/account/_changes.html). Not required: a form without it (an
    # older page still open) keeps the current choice.
    changes = RadioField(
        _l("Messages when something changes in your dossier"),
        choices=CHANGE_CHOICES,
        validate_choice=False,
    )
    quiet_start = SelectField(_l("No messages from"), choices=HOURS)
    quiet_end = SelectField(_l("until"), choices=HOURS)

    # Filled by validate(): the number in E.164 (+31612345678).
    phone_e164: str = ""

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        email = (self.email.data or "").strip()
        self.email.data = email
        if email and not is_valid_email(email):
            self.email.errors.append(_l("Enter an e-mail address like name@example.nl."))
            ok = False
        raw_phone = (self.phone.data or "").strip()
        self.phone_e164 = ""
        if raw_phone:
            try:
                self.phone_e164 = normalise_mobile(raw_phone)
            except InvalidPhone as exc:
                message = (
                    _l(
                        "This is not a mobile number. Text messages only go to a mobile "
                        "number, like 06 12345678."
                    )
                    if exc.reason == "not-mobile"
                    else _l("Enter a mobile number like 06 12345678.")
                )
                self.phone.errors.append(message)
                ok = False
        if self.changes.data not in (None, "", *dict(CHANGE_CHOICES)):
            self.changes.errors.append(_l("Choose how you want them."))
            ok = False
        # Change notices go to whichever address there is: they never make one required.
        chosen = {self.appointment.data, self.document.data}
        if chosen & {"both", "email"} and not email and not self.email.errors:
            self.email.errors.append(
                _l("Enter your e-mail address, or choose reminders without e-mail.")
            )
            ok = False
        if chosen & {"both", "sms"} and not raw_phone and not self.phone.errors:
            self.phone.errors.append(
                _l("Enter your mobile number, or choose reminders without text messages.")
            )
            ok = False
        return ok
