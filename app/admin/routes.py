"""/beheer: staff accounts and their organisation links, and the access-log export.

A beheerder manages the organisations where they have the role beheerder, and only those.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    stream_with_context,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app import clock
from app.admin.forms import (
    LinkForm,
    NewOrganisationForm,
    NewStaffForm,
    OrganisationForm,
    PlainForm,
)
from app.auth.guards import (
    admin_or_platform_admin_required,
    admin_required,
    platform_admin_required,
)
from app.extensions import db
from app.models import Organisation, StaffMember, StaffMembership
from app.responses import no_store
from app.services import staff_auth
from app.services.access_log import CSV_HEADER, csv_line, export_rows, record_export
from app.services.organisations import (
    OrganisationRefused,
    add_organisation,
    name_taken,
    update_organisation,
)

bp = Blueprint("admin", __name__, url_prefix="/beheer")


def _my_orgs() -> dict[int, Organisation]:
    return {
        m.organisation_id: m.organisation for m in current_user.memberships if m.role == "beheerder"
    }


def _staff_of(org_ids: set[int]) -> list[StaffMember]:
    return list(
        db.session.scalars(
            select(StaffMember)
            .where(
                StaffMember.id.in_(
                    select(StaffMembership.staff_id).where(
                        StaffMembership.organisation_id.in_(org_ids)
                    )
                )
            )
            .order_by(StaffMember.name)
        )
    )


def _managed(staff_id: int) -> StaffMember:
    staff = db.session.get(StaffMember, staff_id)
    if staff is None or not {m.organisation_id for m in staff.memberships} & set(_my_orgs()):
        abort(404)
    return staff


def _org_choices(form: LinkForm) -> dict[int, Organisation]:
    orgs = _my_orgs()
    form.organisation.choices = [(o.id, o.name) for o in orgs.values()]
    return orgs


@bp.get("")
@admin_or_platform_admin_required
def index() -> str:
    # The platform administrator who is no beheerder sees only the organisations part.
    form = NewStaffForm()
    return _index_page(form, _org_choices(form))


@bp.post("")
@admin_required
def create_staff_account() -> Response | str:
    form = NewStaffForm()
    orgs = _org_choices(form)
    if form.validate_on_submit():
        organisation = orgs.get(form.organisation.data or 0)
        if organisation is None:
            form.organisation.errors = [gettext("Choose one of your organisations.")]
        elif staff_auth.staff_for_email(form.email.data or "") is not None:
            form.email.errors = [gettext("There is already an account with this e-mail address.")]
        else:
            staff, password = staff_auth.create_staff(
                form.name.data or "", form.email.data or "", organisation, form.role.data or ""
            )
            return _one_time_password_page(staff, password)
    return _index_page(form, orgs)


def _index_page(form: NewStaffForm, orgs: dict[int, Organisation]) -> str:
    return render_template("admin/index.html", form=form, staff=_staff_of(set(orgs)))


def _staff_page(member: StaffMember, form: LinkForm, new_password: str | None = None) -> str:
    return render_template(
        "admin/staff.html",
        member=member,
        form=form,
        my_orgs=_my_orgs(),
        new_password=new_password,
        locked=staff_auth.is_locked(member, clock.now()),
    )


def _one_time_password_page(member: StaffMember, password: str) -> Response:
    """The new password, shown once: in the answer to the POST that made it, and nowhere else.

    Not in the session (a signed cookie anyone holding it can read), not in a redirect target,
    and no-store so no cache or browser history keeps it."""
    form = LinkForm()
    _org_choices(form)
    response = make_response(_staff_page(member, form, password))
    no_store(response)
    return response


@bp.route("/medewerker/<int:staff_id>", methods=["GET", "POST"])
@admin_required
def staff(staff_id: int) -> Response | str:
    member = _managed(staff_id)
    form = LinkForm()
    orgs = _org_choices(form)
    if form.validate_on_submit():
        organisation = orgs.get(form.organisation.data or 0)
        if organisation is None:
            form.organisation.errors = [gettext("Choose one of your organisations.")]
        else:
            staff_auth.link_staff(member, organisation, form.role.data or "medewerker")
            flash(gettext("The link is saved."))
            return redirect(url_for("admin.staff", staff_id=member.id), 303)
    return _staff_page(member, form)


@bp.post("/medewerker/<int:staff_id>/ontkoppelen/<int:membership_id>")
@admin_required
def unlink(staff_id: int, membership_id: int) -> Response:
    member = _managed(staff_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    link = next((m for m in member.memberships if m.id == membership_id), None)
    if link is None or link.organisation_id not in _my_orgs():
        abort(404)
    staff_auth.unlink_staff(member, link)
    flash(gettext("The link is removed."))
    if not member.memberships:
        return redirect(url_for("admin.index"), 303)
    return redirect(url_for("admin.staff", staff_id=member.id), 303)


@bp.post("/medewerker/<int:staff_id>/herstellen")
@admin_required
def reset(staff_id: int) -> Response:
    member = _managed(staff_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    password = staff_auth.reset_login(member)
    return _one_time_password_page(member, password)


@bp.post("/medewerker/<int:staff_id>/ontgrendelen")
@admin_required
def unlock(staff_id: int) -> Response:
    member = _managed(staff_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    staff_auth.lift_lock(member)
    flash(gettext("The lock is lifted. %(name)s can log in again.", name=member.name))
    return redirect(url_for("admin.staff", staff_id=member.id), 303)


@bp.get("/toegangslog.csv")
@admin_required
def export() -> Response:
    orgs = _my_orgs()
    record_export(current_user, list(orgs.values()))
    org_ids = set(orgs)

    def lines() -> Iterator[str]:
        yield csv_line(CSV_HEADER)
        for row in export_rows(org_ids):
            yield csv_line(row)

    response = Response(stream_with_context(lines()), mimetype="text/csv")
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    response.headers["Content-Disposition"] = f'attachment; filename="toegangslog-{stamp}.csv"'
    no_store(response)
    return response


@bp.route("/organisatie/<int:organisation_id>", methods=["GET", "POST"])
@admin_required
def organisation(organisation_id: int) -> Response | str:
    """Name, address, phone, hours and the text for residents of one of my organisations."""
    org = _my_orgs().get(organisation_id)
    if org is None:
        abort(404)
    form = OrganisationForm(obj=org)
    if form.validate_on_submit():
        update_organisation(org, current_user, form.data)
        flash(gettext("The details are saved. Residents see them from now on."))
        return redirect(url_for("admin.organisation", organisation_id=org.id), 303)
    return render_template("admin/organisation.html", form=form, organisation=org)


# What OrganisationRefused means, on the page (the command line: app.admin.PROBLEMS).
PROBLEMS = {
    ("name", "missing"): _l("Enter the name."),
    ("name", "taken"): _l("There is already an organisation with this name. Choose another name."),
    ("phone", "invalid"): _l("Enter a phone number like 0172 46 59 00."),
}


@bp.route("/organisaties/nieuw", methods=["GET", "POST"])
@platform_admin_required
def new_organisation() -> Response | str:
    """The platform administrator adds an organisation (the same as `flask add-organisation`)."""
    form = NewOrganisationForm()
    if form.validate_on_submit():
        try:
            added = add_organisation(
                form.name.data or "",
                form.kind.data or "",
                phone=form.phone.data or "",
                address=form.address.data or "",
                hours=form.opening_hours.data or "",
                about=form.about.data or "",
                by=current_user,
            )
        except OrganisationRefused as refused:
            for name, problem in refused.problems.items():
                field = form[name]
                field.errors = [*field.errors, PROBLEMS[(name, problem)]]
        else:
            flash(
                gettext(
                    "%(name)s is added. Its first beheerder is made on the server with: "
                    "flask create-admin --organisation %(slug)s",
                    name=added.name,
                    slug=added.slug,
                )
            )
            target = "admin.index" if current_user.is_admin else "admin.new_organisation"
            return redirect(url_for(target), 303)
    elif form.is_submitted() and not form.name.errors and name_taken(form.name.data or ""):
        # Other mistakes too: say this one now as well, not after they are mended.
        form.name.errors = [*form.name.errors, PROBLEMS[("name", "taken")]]
    return render_template("admin/new_organisation.html", form=form)
