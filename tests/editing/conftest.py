import pytest

from tests.factories import make_member


@pytest.fixture
def editor_client(client):
    """The test client, logged in as an editor-in-chief (eindredacteur)."""
    client.force_login(make_member("omar", "eindredacteur"))
    return client
