"""Forms for /beheer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Regexp

ROLES = [("medewerker", _l("Medewerker")), ("beheerder", _l("Beheerder"))]


class LinkForm(FlaskForm):
    organisation = SelectField(_l("Organisation"), coerce=int, validate_choice=False)
    role = RadioField(
        _l("Role"),
        choices=ROLES,
        default="medewerker",
        validators=[InputRequired(message=_l("Choose a role."))],
    )


class NewStaffForm(LinkForm):
    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(message=_l("Enter the name.")),
            Length(max=200, message=_l("Use at most 200 characters.")),
        ],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        _l("Work e-mail address"),
        validators=[
            InputRequired(message=_l("Enter the e-mail address.")),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message=_l("Enter an e-mail address like name@organisation.nl."),
            ),
            Length(max=254, message=_l("Use at most 254 characters.")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class PlainForm(FlaskForm):
    """Buttons that only need the CSRF token."""


class OrganisationForm(FlaskForm):
    """What residents see about the organisation (pages, reminders, the summary PDF)."""

    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(message=_l("Enter the name.")),
            Length(max=200, message=_l("Use at most 200 characters.")),
        ],
        render_kw={"autocomplete": "organization", "maxlength": 200},
    )
    address = StringField(
        _l("Visiting address"),
        validators=[Length(max=300, message=_l("Use at most 300 characters."))],
        render_kw={"maxlength": 300, "autocomplete": "off"},
    )
    phone = StringField(
        _l("Phone number"),
        validators=[Length(max=40, message=_l("Use at most 40 characters."))],
        render_kw={"type": "tel", "maxlength": 40, "autocomplete": "off"},
    )
    opening_hours = StringField(
        _l("Opening hours"),
        validators=[Length(max=300, message=_l("Use at most 300 characters."))],
        render_kw={"maxlength": 300, "autocomplete": "off"},
    )
    about = TextAreaField(
        _l("What you do for residents"),
        validators=[Length(max=1000, message=_l("Use at most 1000 characters."))],
        render_kw={"rows": 4, "maxlength": 1000},
    )
