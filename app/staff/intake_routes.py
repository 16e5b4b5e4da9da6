"""Registering a new resident (/medewerker/inwoner/nieuw) and recording the resident's consent
for another organisation on a dossier."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.guards import staff_required
from app.services import consent
from app.services.access_log import working_organisation
from app.services.intake import AlreadyKnown, Known, NewResident, register_resident
from app.staff.blueprint import bp
from app.staff.dossier_routes import load
from app.staff.intake_forms import ConsentForm, IntakeForm


@bp.route("/inwoner/nieuw", methods=["GET", "POST"])
@staff_required
def new_resident() -> Response | str:
    organisation = working_organisation(current_user)
    if organisation is None:
        abort(403)
    form = IntakeForm()
    known: Known | None = None
    if form.validate_on_submit():
        new = NewResident(
            bsn=form.bsn_digits,
            first_name=form.first_name.data or "",
            initials=form.initials.data or "",
            last_name=form.last_name.data or "",
            date_of_birth=form.date_of_birth.data,
            email=(form.email.data or "").strip(),
            phone_e164=form.phone_e164,
            language=form.language.data or "nl",
            channel=form.channel.data or "desk",
        )
        try:
            dossier = register_resident(current_user, organisation, new)
        except AlreadyKnown as exc:
            known = exc.known
            form.bsn.errors = [gettext("This BSN is registered already. No new dossier was made.")]
        else:
            flash(gettext("The resident is registered and the dossier is open."))
            return redirect(url_for("staff.dossier", dossier_id=dossier.id), 303)
    return render_template(
        "staff/new_resident.html", form=form, organisation=organisation, known=known
    )


@bp.route("/dossier/<int:dossier_id>/organisatie-koppelen", methods=["GET", "POST"])
@staff_required
def link_organisation(dossier_id: int) -> Response | str:
    sd = load(dossier_id)
    available = consent.available_organisations(sd.dossier)
    form = ConsentForm()
    form.organisation.choices = [(o.id, o.name) for o in available]
    if form.validate_on_submit():
        chosen = next((o for o in available if o.id == form.organisation.data), None)
        if chosen is None:
            form.organisation.errors = [gettext("Choose an organisation from the list.")]
        else:
            consent.link_for_resident(
                sd.dossier,
                chosen,
                channel=form.channel.data or "desk",
                staff=current_user,
                acting=sd.organisation,
            )
            flash(
                gettext(
                    "%(organisation)s can now help with this dossier. The resident sees this.",
                    organisation=chosen.name,
                )
            )
            return redirect(url_for("staff.dossier", dossier_id=dossier_id), 303)
    return render_template("staff/link_organisation.html", sd=sd, form=form, available=available)
