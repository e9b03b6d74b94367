import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Tests need no collectstatic run and write media to a throwaway folder.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # An existing (empty) STATIC_ROOT keeps WhiteNoise from warning on every request.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
