"""Questions: staff answer a resident's question, or ask one for the resident (assisted mode),
through app.services.questions. Offered only when that service is in this build."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.auth.guards import staff_required
from app.services import questions, staff_work
from app.services.access_log import AccessEntry, staff_org_ids
from app.staff.blueprint import bp
from app.staff.dossier_routes import load

MAX_TEXT = 2000


class AnswerForm(FlaskForm):
    text = TextAreaField(
        _l("Your answer"),
        validators=[
            InputRequired(message=_l("Write your answer.")),
            Length(max=MAX_TEXT, message=_l("Use at most 2000 characters.")),
        ],
        render_kw={"rows": 5, "maxlength": MAX_TEXT},
    )


class AskForm(FlaskForm):
    organisation = SelectField(_l("Who is the question for?"), coerce=int, validate_choice=False)
    text = TextAreaField(
        _l("The question"),
        validators=[
            InputRequired(message=_l("Write the question.")),
            Length(max=MAX_TEXT, message=_l("Use at most 2000 characters.")),
        ],
        render_kw={"rows": 5, "maxlength": MAX_TEXT},
    )


@bp.route("/dossier/<int:dossier_id>/vraag/<int:question_id>", methods=["GET", "POST"])
@staff_required
def answer(dossier_id: int, question_id: int) -> Response | str:
    sd = load(dossier_id, detail=f"question {question_id}")
    question = questions.dossier_question(sd.dossier, question_id)
    if question is None or question.organisation_id not in staff_org_ids(current_user):
        abort(404)
    form = AnswerForm()
    if form.validate_on_submit():
        audit = AccessEntry(
            current_user,
            sd.organisation,
            sd.dossier,
            "answer_question",
            "casework",
            f"question {question.id}",
        )
        try:
            questions.answer_question(question, current_user, form.text.data or "", audit=audit)
        except questions.QuestionError:
            form.text.errors = [gettext("Write your answer.")]
        else:
            flash(gettext("Your answer is sent. The resident sees it now."))
            return redirect(url_for("staff.dossier", dossier_id=dossier_id), 303)
    return render_template("staff/answer.html", sd=sd, question=question, form=form)


@bp.route("/dossier/<int:dossier_id>/namens/vraag", methods=["GET", "POST"])
@staff_required
def ask_for_resident(dossier_id: int) -> Response | str:
    sd = load(dossier_id, "view_as_resident", "assisted")
    organisations = {o.id: o for o in sd.dossier.organisations}
    form = AskForm()
    form.organisation.choices = [(o.id, o.name) for o in organisations.values()]
    if request.method == "GET":
        form.organisation.data = sd.organisation.id
    if form.validate_on_submit():
        organisation = organisations.get(form.organisation.data or 0)
        if organisation is None:
            form.organisation.errors = [gettext("Choose who the question is for.")]
        else:
            audit = AccessEntry(
                current_user,
                sd.organisation,
                sd.dossier,
                "ask_for_resident",
                "assisted",
                organisation.slug,
            )
            try:
                questions.ask_question(
                    sd.dossier,
                    organisation,
                    form.text.data or "",
                    actor=staff_work.actor(current_user, sd, for_resident=True),
                    audit=audit,
                )
            except questions.QuestionError:
                form.text.errors = [gettext("Write the question.")]
            else:
                flash(gettext("The question is sent for the resident."))
                return redirect(url_for("staff.dossier", dossier_id=dossier_id), 303)
    return render_template("staff/ask_for.html", sd=sd, form=form)
