"""Forms for /beheer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Regexp

from app.form_fields import name_field, phone_field

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
    name = name_field()
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

    name = name_field(autocomplete="organization")
    address = StringField(
        _l("Visiting address"),
        validators=[Length(max=300, message=_l("Use at most 300 characters."))],
        render_kw={"maxlength": 300, "autocomplete": "off"},
    )
    phone = phone_field(_l("Phone number"))
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


# Organisation.kind: what sort of organisation (shown to staff; not used for rights).
KINDS = [
    ("gemeente", _l("Municipality")),
    ("schuldhulpverlening", _l("Debt counselling")),
    ("woningcorporatie", _l("Housing corporation")),
    ("budgetbeheer", _l("Budget management")),
    ("welzijn", _l("Social work")),
    ("anders", _l("Other")),
]


class NewOrganisationForm(OrganisationForm):
    """The platform administrator adds an organisation: the same details and its kind."""

    kind = RadioField(
        _l("Kind of organisation"),
        choices=KINDS,
        validators=[InputRequired(message=_l("Choose the kind of organisation."))],
    )
