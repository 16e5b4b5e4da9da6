"""The organisation switcher (/medewerker/organisatie) for staff in several organisations.

The choice lives in the session (app.services.access_log.choose_organisation) and is checked
against the memberships on every request; it changes who the staff member acts for, never
what they may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.guards import staff_required
from app.local_paths import safe_local_path
from app.models import Organisation
from app.services.access_log import choose_organisation, working_organisation
from app.staff.blueprint import bp
from app.staff.forms import OrganisationChoiceForm


@dataclass(frozen=True)
class ActingChoice:
    organisations: list[Organisation]
    current: Organisation


def acting_choice() -> ActingChoice | None:
    """For the switcher in the staff header: only for staff in two or more organisations."""
    if not getattr(current_user, "is_staff", False) or len(current_user.memberships) < 2:
        return None
    current = working_organisation(current_user)
    assert current is not None
    organisations = sorted(current_user.organisations, key=lambda o: o.name.lower())
    return ActingChoice(organisations, current)


def _back_to(target: str | None) -> str:
    path = safe_local_path(target)
    if path.startswith("/medewerker") or path.startswith("/beheer"):
        return path
    return url_for("staff.caseload")


@bp.route("/organisatie", methods=["GET", "POST"])
@staff_required
def choose_organisation_page() -> Response | str:
    choice = acting_choice()
    if choice is None:
        # One organisation: nothing to choose.
        return redirect(url_for("staff.caseload"), 303)
    form = OrganisationChoiceForm()
    form.organisation.choices = [(str(o.id), o.name) for o in choice.organisations]
    if form.validate_on_submit():
        value = form.organisation.data or ""
        chosen = choose_organisation(current_user, int(value)) if value.isdigit() else None
        if chosen is not None:
            flash(gettext("You now work for %(organisation)s.", organisation=chosen.name))
            return redirect(_back_to(form.next.data), 303)
        form.organisation.errors = [
            gettext(
                "You can only work for an organisation you belong to. Choose one from the list."
            )
        ]
        form.organisation.data = str(choice.current.id)
    if request.method == "GET":
        form.organisation.data = str(choice.current.id)
        form.next.data = request.args.get("next", "")
    return render_template("staff/organisation.html", form=form, choice=choice)
