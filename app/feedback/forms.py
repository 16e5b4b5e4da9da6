from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length

from app.services.feedback import COMMENT_MAX


class CommentForm(FlaskForm):
    comment = TextAreaField(
        _l("What was not clear? (you may leave this empty)"),
        validators=[
            Length(
                max=COMMENT_MAX,
                message=_l("Use at most %(max)d characters.", max=COMMENT_MAX),
            )
        ],
        render_kw={"rows": 4, "maxlength": COMMENT_MAX},
    )
    call_me = BooleanField(_l("You may call me about my reaction"))
