"""The contact-details and reminder-choices form. Addresses are checked in validate(), where a
choice and the address it needs are looked at together."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.validators import InputRequired

from app.form_fields import checked_email, checked_mobile, email_field, mobile_field

CHANNEL_CHOICES = [
    ("both", _l("By e-mail and text message")),
    ("email", _l("By e-mail only")),
    ("sms", _l("By text message only")),
    ("none", _l("No reminders")),
]
CHANGE_CHOICES = [*CHANNEL_CHOICES[:3], ("none", _l("No messages"))]
HOURS = [(f"{h:02d}:00", f"{h:02d}:00") for h in range(24)]


class ReminderForm(FlaskForm):
    email = email_field(_l("E-mail address"), autocomplete="email")
    phone = mobile_field(_l("Mobile phone number"), autocomplete="tel")
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
        ok = checked_email(self.email) and ok
        email = self.email.data
        raw_phone = (self.phone.data or "").strip()
        phone = checked_mobile(self.phone, say_not_mobile=True)
        self.phone_e164 = phone or ""
        ok = ok and phone is not None
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
