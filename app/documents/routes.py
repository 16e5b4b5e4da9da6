"""/documenten: the checklist, sending files for a request or unasked, downloading them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from app import clock
from app.auth.guards import current_dossier, resident_required
from app.dates import long_date
from app.documents.forms import OtherDocumentForm, UploadForm
from app.services.documents import (
    checklist,
    document_task,
    dossier_document,
    send_other_document,
    submit_documents,
)
from app.services.storage import download_response, get_storage
from app.services.timeline import Actor
from app.services.uploads import check_files

bp = Blueprint("documents", __name__, url_prefix="/documenten")


def _chosen_files() -> list:
    return request.files.getlist("files") + request.files.getlist("photo")


@bp.get("")
@resident_required
def index() -> Response | str:
    items = checklist(current_dossier())
    return render_template(
        "documents/index.html",
        items=items,
        today=clock.today(),
        long_date=long_date,
    )


@bp.route("/<int:task_id>/sturen", methods=["GET", "POST"])
@resident_required
def upload(task_id: int) -> Response | str:
    dossier = current_dossier()
    task = document_task(dossier, task_id)
    if task is None:
        abort(404)
    form = UploadForm()
    item = next((i for i in checklist(dossier) if i.task.id == task.id), None)
    if item is None or not item.can_upload:
        flash(gettext("This document is no longer waiting for a file from you."))
        return redirect(url_for("documents.index"), 303)
    if form.validate_on_submit():
        files, problems = check_files(_chosen_files())
        if problems:
            form.files.errors = problems
        else:
            submit_documents(dossier, task, files, get_storage(), actor=Actor.resident())
            flash(gettext("Thank you. We received your file. We will check it."))
            return redirect(url_for("documents.index"), 303)
    return render_template(
        "documents/upload.html",
        form=form,
        item=item,
        today=clock.today(),
        long_date=long_date,
    )


@bp.route("/iets-anders-sturen", methods=["GET", "POST"])
@resident_required
def send_other() -> Response | str:
    dossier = current_dossier()
    organisations = {o.id: o for o in dossier.organisations}
    form = OtherDocumentForm()
    form.organisation.choices = [(0, gettext("Choose an organisation"))] + [
        (o.id, o.name) for o in organisations.values()
    ]
    if request.method == "POST":
        valid = form.validate()
        organisation = organisations.get(form.organisation.data or 0)
        if organisation is None:
            form.organisation.errors = [gettext("Choose who the document is for.")]
        files, problems = check_files(_chosen_files())
        if problems:
            form.files.errors = problems
        if valid and organisation is not None and not problems:
            send_other_document(
                dossier,
                organisation,
                form.description.data or "",
                files,
                get_storage(),
                actor=Actor.resident(),
            )
            flash(gettext("Thank you. We received your file."))
            return redirect(url_for("documents.index"), 303)
    return render_template("documents/other.html", form=form)


@bp.get("/bestand/<int:document_id>")
@resident_required
def download(document_id: int) -> Response:
    doc = dossier_document(current_dossier(), document_id)
    if doc is None:
        abort(404)
    return download_response(doc.storage_key, doc.content_type, doc.filename)
