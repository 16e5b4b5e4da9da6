"""Question forms; the optional attachment is checked by app.services.uploads."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.services.questions import MAX_TEXT
from app.services.uploads import ACCEPT

TEXT_VALIDATORS = [
    DataRequired(message=_l("Write your question.")),
    Length(max=MAX_TEXT, message=_l("Use at most %(max)d characters.", max=MAX_TEXT)),
]


class ReplyForm(FlaskForm):
    text = TextAreaField(
        _l("Your message"), validators=TEXT_VALIDATORS, render_kw={"rows": 6, "maxlength": MAX_TEXT}
    )
    attachment = FileField(_l("Add a file (optional)"), render_kw={"accept": ACCEPT})


class AskForm(ReplyForm):
    organisation = SelectField(_l("Who is your question for?"), coerce=int, validate_choice=False)
    about = SelectField(
        _l("Is it about one of your items? (optional)"), coerce=int, validate_choice=False
    )
    text = TextAreaField(
        _l("Your question"),
        validators=TEXT_VALIDATORS,
        render_kw={"rows": 6, "maxlength": MAX_TEXT},
    )
