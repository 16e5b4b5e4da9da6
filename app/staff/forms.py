"""Staff forms (GOV.UK pattern: label, hint, inline error, error summary)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app import clock
from app.services.staff_auth import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[InputRequired(message=_l("Enter your e-mail address."))],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    code = StringField(
        _l("Code from your authenticator app"),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 7},
    )


class EnrolForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[InputRequired(message=_l("Enter the 6-digit code from the app."))],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 7},
    )
    password = PasswordField(
        _l("Choose a new password"),
        validators=[
            InputRequired(message=_l("Choose a new password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("Use at least %(num)d characters.", num=MIN_PASSWORD_LENGTH),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        _l("Type the new password again"),
        validators=[EqualTo("password", message=_l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )


def _not_in_past(form: FlaskForm, field: DateField) -> None:
    if field.data is not None and field.data < clock.today():
        raise ValidationError(str(_l("The date cannot be in the past.")))


class TaskForm(FlaskForm):
    kind = RadioField(
        _l("What kind of item?"),
        choices=[
            ("document", _l("The resident sends a document")),
            ("step", _l("The resident does a step")),
            ("organisation", _l("Our organisation does something")),
        ],
        validators=[InputRequired(message=_l("Choose what kind of item it is."))],
    )
    title = StringField(
        _l("What needs to be done?"),
        validators=[
            InputRequired(message=_l("Say in a few words what needs to be done.")),
            Length(max=150, message=_l("Use at most 150 characters.")),
        ],
        render_kw={"maxlength": 150, "autocomplete": "off"},
    )
    description = TextAreaField(
        _l("Why is it needed? (optional)"),
        validators=[Length(max=1000, message=_l("Use at most 1000 characters."))],
        render_kw={"rows": 3, "maxlength": 1000},
    )
    due_date = DateField(
        _l("Due date"),
        validators=[Optional(), _not_in_past],
        render_kw={"autocomplete": "off"},
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() stops the field's own chain on an empty date, so this rule lives here.
        if self.kind.data == "document" and self.due_date.data is None and not self.due_date.errors:
            self.due_date.errors = [str(_l("A document request needs a due date."))]
            return False
        return valid


REASONS_MAX = 500


class ReviewForm(FlaskForm):
    decision = RadioField(
        _l("Is the document in order?"),
        choices=[("approve", _l("Yes, approve it")), ("reject", _l("No, ask for a new one"))],
        validators=[InputRequired(message=_l("Choose whether you approve the document."))],
    )
    reason = TextAreaField(
        _l("Why not? The resident reads this"),
        validators=[Length(max=REASONS_MAX, message=_l("Use at most 500 characters."))],
        render_kw={"rows": 3, "maxlength": REASONS_MAX},
    )

    def validate_reason(self, field: TextAreaField) -> None:
        if self.decision.data == "reject" and not (field.data or "").strip():
            raise ValidationError(
                str(_l("Write in plain words what is wrong, so the resident can fix it."))
            )


CONTACT_CHANNELS = [
    ("phone", _l("Phone call")),
    ("desk", _l("At the desk")),
    ("letter", _l("Letter")),
]


class ContactForm(FlaskForm):
    channel = RadioField(
        _l("How was the contact?"),
        choices=CONTACT_CHANNELS,
        validators=[InputRequired(message=_l("Choose how the contact was."))],
    )
    note = StringField(
        _l("Short note"),
        validators=[
            InputRequired(message=_l("Write a short note about the contact.")),
            Length(max=150, message=_l("Use at most 150 characters.")),
        ],
        render_kw={"maxlength": 150, "autocomplete": "off"},
    )


class SlotsForm(FlaskForm):
    organisation = SelectField(_l("For which organisation?"), coerce=int, validate_choice=False)
    day = DateField(
        _l("Day"),
        validators=[InputRequired(message=_l("Enter the day.")), _not_in_past],
    )
    times = StringField(
        _l("Start times"),
        validators=[InputRequired(message=_l("Enter one or more start times."))],
        render_kw={"autocomplete": "off"},
    )
    minutes = IntegerField(
        _l("Minutes per appointment"),
        default=30,
        validators=[
            InputRequired(message=_l("Enter how many minutes an appointment takes.")),
            NumberRange(min=10, max=240, message=_l("Use between 10 and 240 minutes.")),
        ],
    )
    channel = RadioField(
        _l("How?"),
        choices=[("desk", _l("At the desk")), ("phone", _l("By phone")), ("video", _l("Video"))],
        validators=[InputRequired(message=_l("Choose how the appointment takes place."))],
    )
    location = StringField(
        _l("Where (for the desk)"),
        validators=[Length(max=200, message=_l("Use at most 200 characters."))],
        render_kw={"autocomplete": "off"},
    )


def parse_times(text: str) -> list[tuple[int, int]] | None:
    """'9:00, 9.30 10:00' -> [(9, 0), (9, 30), (10, 0)]; None when something is not a time."""
    result = []
    for part in text.replace(",", " ").split():
        hours, sep, minutes = part.replace(".", ":").partition(":")
        if not sep or not hours.isdigit() or not minutes.isdigit():
            return None
        h, m = int(hours), int(minutes)
        if not (0 <= h < 24 and 0 <= m < 60):
            return None
        result.append((h, m))
    return result or None


class OrganisationChoiceForm(FlaskForm):
    """Which organisation a staff member with several memberships works for now. The value is
    checked against the memberships in the route (a forged value gets an error, not a 500)."""

    organisation = SelectField(_l("You are working for"), validate_choice=False)
    next = HiddenField()
