import pytest

from core.db import db
from tests.conftest import _clear, make_test_app
from tests.hooks.sample import Sample


@pytest.fixture
def sample():
    return Sample()


@pytest.fixture
def app(database, admin_engine, sample):
    """The app with the sample plugin installed (enabled per test)."""
    _clear(admin_engine)
    application = make_test_app(database, DHR_EXTRA_PLUGINS={"sample": sample})
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()
