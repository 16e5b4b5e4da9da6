"""Upload forms. Files are checked by app.services.uploads, not by WTForms validators."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, MultipleFileField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from app.services.uploads import ACCEPT

FILE_ATTRS = {"accept": ACCEPT, "multiple": True}
# A second field opens the camera on a phone (capture would hide the file picker on the first).
PHOTO_ATTRS = {"accept": "image/jpeg,image/png", "capture": "environment"}


class UploadForm(FlaskForm):
    files = MultipleFileField(_l("Choose one or more files"), render_kw=FILE_ATTRS)
    photo = FileField(_l("Or take a photo with your phone"), render_kw=PHOTO_ATTRS)


class OtherDocumentForm(FlaskForm):
    organisation = SelectField(
        _l("Who is it for?"),
        coerce=int,
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose who the document is for."))],
    )
    description = StringField(
        _l("What is it?"),
        validators=[
            InputRequired(message=_l("Say in a few words what you are sending.")),
            Length(max=150, message=_l("Use at most 150 characters.")),
        ],
        render_kw={"autocomplete": "off", "maxlength": 150},
    )
    files = MultipleFileField(_l("Choose one or more files"), render_kw=FILE_ATTRS)
    photo = FileField(_l("Or take a photo with your phone"), render_kw=PHOTO_ATTRS)
