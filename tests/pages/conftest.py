from tests.digid import resident_client  # noqa: F401 - the logged-in client fixture
