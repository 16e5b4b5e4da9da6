"""DigiD login against the built-in test IdP: the happy paths and logout."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.services.demo import DEMO_RESIDENTS, DemoResident
from tests.digid import login_as
from tests.html import check_page, text_of


@pytest.mark.parametrize("resident", DEMO_RESIDENTS, ids=lambda r: r.first_name)
def test_each_demo_resident_logs_in(
    client: FlaskClient, seeded: None, live_server: str, resident: DemoResident
) -> None:
    response = login_as(client, resident.bsn)
    assert response.status_code == 200
    assert response.request.path == "/"
    soup = check_page(response.get_data())
    assert resident.last_name in text_of(soup)
