"""Publishing appointment times (/medewerker/afspraaktijden) through the appointments service."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app import clock
from app.auth.guards import staff_required
from app.services import appointments, staff_work
from app.staff.blueprint import bp
from app.staff.forms import SlotsForm, parse_times


@bp.route("/afspraaktijden", methods=["GET", "POST"])
@staff_required
def slots() -> Response | str:
    organisations = {o.id: o for o in current_user.organisations}
    form = SlotsForm()
    form.organisation.choices = [(o.id, o.name) for o in organisations.values()]
    if form.validate_on_submit():
        organisation = organisations.get(form.organisation.data or 0)
        times = parse_times(form.times.data or "")
        if organisation is None:
            form.organisation.errors = [gettext("Choose one of your organisations.")]
        elif times is None:
            form.times.errors = [gettext("Write the times like this: 9:00, 9:30, 10:00.")]
        else:
            assert form.day.data is not None
            starts = [
                datetime.combine(form.day.data, datetime.min.time()).replace(
                    hour=h, minute=m, tzinfo=clock.AMSTERDAM
                )
                for h, m in times
            ]
            staff_work.publish_slots(
                current_user,
                organisation,
                starts,
                minutes=form.minutes.data or 30,
                channel=appointments.Channel(form.channel.data),
                location=form.location.data or "",
                with_whom=current_user.name,
            )
            flash(gettext("The times are published. Residents can book them now."))
            return redirect(url_for("staff.slots"), 303)
    return render_template("staff/slots.html", form=form)
