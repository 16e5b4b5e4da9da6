"""/vragen: questions to the organisations, their threads and answers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from app import clock
from app.auth.guards import current_dossier, resident_required
from app.dates import when
from app.models import Question
from app.questions.forms import AskForm, ReplyForm
from app.services.overview import open_tasks
from app.services.questions import (
    ask_question,
    dossier_question,
    follow_up,
    mark_read,
    questions_of,
)
from app.services.storage import get_storage
from app.services.timeline import Actor
from app.services.uploads import CheckedFile, check_file

bp = Blueprint("questions", __name__, url_prefix="/vragen")


def _attachment(form: ReplyForm) -> tuple[CheckedFile | None, bool]:
    """The optional file: (checked file or None, ok). A bad file puts its message on the field."""
    upload = request.files.get("attachment")
    if upload is None or not (upload.filename or upload.content_length):
        return None, True
    checked, problem = check_file(upload)
    if problem:
        form.attachment.errors = [problem]
        return None, False
    return checked, True


@bp.get("")
@resident_required
def index() -> Response | str:
    questions = questions_of(current_dossier())
    return render_template("questions/index.html", questions=questions)


@bp.route("/stellen", methods=["GET", "POST"])
@resident_required
def ask() -> Response | str:
    dossier = current_dossier()
    organisations = {o.id: o for o in dossier.organisations}
    tasks = {t.id: t for t in open_tasks(dossier)}
    form = AskForm()
    form.organisation.choices = [(0, gettext("Choose an organisation"))] + [
        (o.id, o.name) for o in organisations.values()
    ]
    form.about.choices = [(0, gettext("No, something else"))] + [
        (t.id, t.title) for t in tasks.values()
    ]
    # ?over=<task id>: 'Ask a question about this' on an item starts with that item chosen.
    chosen = tasks.get(request.args.get("over", 0, type=int))
    if request.method == "GET" and chosen is not None:
        form.about.data = chosen.id
        form.organisation.data = chosen.organisation_id
    if request.method == "POST":
        valid = form.validate()
        organisation = organisations.get(form.organisation.data or 0)
        if organisation is None:
            form.organisation.errors = [gettext("Choose who your question is for.")]
        about = tasks.get(form.about.data or 0)
        if form.about.data and about is None:
            form.about.errors = [gettext("Choose one of the items in the list.")]
        attachment, file_ok = _attachment(form)
        if valid and organisation is not None and not form.about.errors and file_ok:
            question = ask_question(
                dossier,
                organisation,
                form.text.data or "",
                actor=Actor.resident(),
                about=about,
                attachment=attachment,
                storage=get_storage(),
            )
            flash(gettext("Your question is sent. You will see the answer here."))
            return redirect(url_for("questions.thread", question_id=question.id), 303)
    return render_template("questions/ask.html", form=form)


def _thread_page(question: Question, form: ReplyForm) -> Response | str:
    today = clock.today()
    return render_template(
        "questions/thread.html",
        question=question,
        form=form,
        when=lambda dt: when(dt, today),
    )


@bp.get("/<int:question_id>")
@resident_required
def thread(question_id: int) -> Response | str:
    question = dossier_question(current_dossier(), question_id)
    if question is None:
        abort(404)
    # Render first (new answers still flagged on this view), then mark them read.
    response = _thread_page(question, ReplyForm(formdata=None))
    mark_read(question)
    return response


@bp.post("/<int:question_id>")
@resident_required
def reply(question_id: int) -> Response | str:
    dossier = current_dossier()
    question = dossier_question(dossier, question_id)
    if question is None:
        abort(404)
    form = ReplyForm()
    valid = form.validate()
    attachment, file_ok = _attachment(form)
    if valid and file_ok:
        follow_up(
            dossier,
            question,
            form.text.data or "",
            actor=Actor.resident(),
            attachment=attachment,
            storage=get_storage(),
        )
        flash(gettext("Your message is sent."))
        return redirect(url_for("questions.thread", question_id=question.id), 303)
    return _thread_page(question, form)
