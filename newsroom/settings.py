"""Settings for Newsroom: one module, configured through environment variables.

The embedded default (no variables set) is SQLite in ``var/``, a file cache next to the
database that every worker process shares, and media files in ``var/media``.
``manage.py`` with neither DJANGO_DEBUG nor DJANGO_SECRET_KEY set runs with the local
development settings (a bare checkout). Production sets ``DJANGO_DEBUG=0`` plus the
variables documented in README.md and docs/deploy.md.
"""

import hashlib
import os
import re
import sys
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured
from django_prose_editor.config import html_tags
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env(name, default=""):
    return os.environ.get(name, default).strip()


def env_bool(name, default=False):
    value = env(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off.")


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = env(name)
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number.") from None


def env_seconds(name, default):
    value = env(name)
    try:
        seconds = float(value) if value else default
    except ValueError:
        seconds = -1
    if not 0 < seconds < 3600:
        raise ImproperlyConfigured(f"{name} must be a number of seconds, e.g. 0.5.")
    return seconds


# manage.py without DJANGO_DEBUG and DJANGO_SECRET_KEY gets development settings; a
# WSGI server never does (docs/configuration.md#a-bare-checkout).
BARE_CHECKOUT = (
    Path(sys.argv[0]).name == "manage.py"
    and not env("DJANGO_DEBUG")
    and not env("DJANGO_SECRET_KEY")
)
DEBUG = env_bool("DJANGO_DEBUG", default=BARE_CHECKOUT)
TESTING = "pytest" in sys.modules or "test" in sys.argv[1:2]

_INSECURE_KEY = "django-insecure-newsroom-development-key-do-not-use-in-production"
SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = _INSECURE_KEY
elif not DEBUG and (
    # The thresholds of Django's own check (security.W009), but fatal in production.
    len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    or SECRET_KEY.startswith(SECRET_KEY_INSECURE_PREFIX)
):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is too weak: it needs at least {SECRET_KEY_MIN_LENGTH} "
        f"characters, {SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them different, and may "
        f"not start with {SECRET_KEY_INSECURE_PREFIX!r}. Generate one with "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG or TESTING else ""
)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is empty. List the host names the site answers to, "
        "comma-separated, e.g. DJANGO_ALLOWED_HOSTS=nieuws.example.nl."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "newsroom.apps.TaggitConfig",  # taggit, as "Tags" in the admin
    "reversion",
    "django_prose_editor",
    "csp",
    "axes",
    "newsroom",
    "images",
    "articles",
    "ticker",
    "editing",
    "seedimport",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "api",
    "liveblog",
    "demo",
]

MIDDLEWARE = [
    "newsroom.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    # Before anything that validates the Host header: probes come by IP address.
    "newsroom.middleware.HealthCheckMiddleware",
    # Outside the page cache: CORS headers go on cached API answers and 304s too.
    "corsheaders.middleware.CorsMiddleware",
    # Before sessions, CSRF and auth: a ticker poll or a cached page costs a few
    # cache reads, no more.
    "ticker.middleware.TickerLiveMiddleware",
    "liveblog.middleware.LiveBlogPollMiddleware",
    "newsroom.pagecache.PageCacheMiddleware",
    "newsroom.middleware.PublicReadOnlyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "newsroom.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.middleware.StaffSessionMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

_context_processors = [
    "django.template.context_processors.request",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "articles.context_processors.site",
]
# The public pages are Jinja2 templates (templates/jinja2/, newsroom/jinja2.py): they
# render in 15-25 % less CPU time than in the Django template language. The admin,
# axes and Django's apps keep the Django template language (templates/ and APP_DIRS).
TEMPLATES = [
    {
        "BACKEND": "newsroom.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "newsroom.jinja2.environment",
            "context_processors": _context_processors,
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": _context_processors},
    },
]

# Database: DATABASE_URL, e.g. postgres://user:pass@host:5432/newsroom.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections are kept (DATABASE_CONN_MAX_AGE) like PostgreSQL's: opening one
    # and running the PRAGMAs below cost about half a millisecond per request.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when the database is away: /readyz must answer within a probe timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )


def _cache_from_url(url):
    """Return a CACHES entry for locmem://, redis://, rediss://, file:// or dummy://."""
    scheme, _, rest = url.partition("://")
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if scheme in {"redis", "rediss"}:
        return {
            # A Redis that is down or slow is a cache of misses, not an error
            # (docs/configuration.md#redis-timeouts).
            "BACKEND": "newsroom.cache.DegradingRedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "socket_connect_timeout": env_seconds("CACHE_CONNECT_TIMEOUT", 0.5),
                "socket_timeout": env_seconds("CACHE_SOCKET_TIMEOUT", 0.5),
                "RETRY_AFTER": env_seconds("CACHE_RETRY_SECONDS", 5),
            },
        }
    if scheme == "file":
        return {"BACKEND": "newsroom.cache.DegradingFileCache", "LOCATION": rest}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL scheme {scheme!r} is not supported; "
        "use locmem://, redis://host:6379/0, file:///path or dummy://."
    )


def _embedded_caches(database):
    """Return the CACHES of the embedded default: files shared by every process of
    this machine, keyed by the database (docs/configuration.md#the-embedded-cache)."""
    name = str(database["NAME"])
    if database["ENGINE"].endswith("sqlite3") and name != ":memory:":
        name = str(Path(name).resolve())
        folder = Path(name).parent / "cache"
    else:
        folder = VAR_DIR / "cache"
    identity = "|".join(
        [database["ENGINE"], name, str(database.get("HOST")), str(database.get("PORT"))]
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:12]
    prefix = f"{env('CACHE_KEY_PREFIX', 'newsroom')}-{digest}"
    backend = "newsroom.cache.DegradingFileCache"
    return {
        "default": {
            "BACKEND": backend,
            "LOCATION": str(folder / "shared"),
            "KEY_PREFIX": prefix,
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
        "pages": {
            "BACKEND": backend,
            "LOCATION": str(folder / "pages"),
            "KEY_PREFIX": prefix,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }


if env("CACHE_URL") or env("REDIS_URL"):
    CACHES = {"default": _cache_from_url(env("CACHE_URL") or env("REDIS_URL"))}
    CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", "newsroom")
else:
    CACHES = _embedded_caches(DATABASES["default"])
# Another process cannot invalidate a local-memory cache: what it holds must expire
# by itself within the ticker's poll interval.
CACHE_IS_SHARED = not CACHES["default"]["BACKEND"].endswith(
    ("LocMemCache", "DummyCache")
)

# Whole public pages for anonymous readers (docs/caching.md); off with DJANGO_DEBUG=1,
# where templates change under a running server.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if DEBUG else 600)
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 60)
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 300)
if min(PAGE_CACHE_SECONDS, PAGE_CACHE_MAX_AGE, PAGE_CACHE_STALE_SECONDS) < 0:
    raise ImproperlyConfigured("PAGE_CACHE_* settings cannot be negative.")

# Edge caches purged by tag after every change readers see (newsroom/purge.py,
# deploy/varnish/newsroom.vcl, docs/deploy.md): PURGE requests with a
# Surrogate-Key header, from a background thread, never delaying a save.
NEWSROOM_PURGE_URLS = env_list("NEWSROOM_PURGE_URLS")
NEWSROOM_PURGE_TIMEOUT = env_seconds("NEWSROOM_PURGE_TIMEOUT", 2.0)
NEWSROOM_PURGE_RETRIES = env_int("NEWSROOM_PURGE_RETRIES", 3)
NEWSROOM_PURGE_TOKEN = env("NEWSROOM_PURGE_TOKEN")

_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(
    env("STATIC_ROOT") or env("DJANGO_STATIC_ROOT") or VAR_DIR / "static"
)
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}


def s3_media_storage():
    """Return the STORAGES entry and MEDIA_URL for media on S3-compatible storage.

    Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, which boto3
    reads from the environment itself.
    """
    missing = [name for name in ("storages", "boto3") if not find_spec(name)]
    if missing:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs django-storages and boto3: pip install -e '.[s3]'."
        )
    bucket = env("S3_BUCKET")
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET.")
    domain = env("S3_CUSTOM_DOMAIN")  # a CDN or the bucket's public host name
    location = env("S3_LOCATION", "media").strip("/")
    options = {
        "bucket_name": bucket,
        "endpoint_url": env("S3_ENDPOINT_URL") or None,
        "region_name": env("S3_REGION") or None,
        "custom_domain": domain or None,
        "location": location,
        # Public objects under unguessable dated names; no signed, expiring URLs in
        # pages that a CDN keeps.
        "querystring_auth": False,
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "public, max-age=86400"},
    }
    if domain:
        media_url = f"https://{domain}/{location}/"
    elif options["endpoint_url"]:
        media_url = f"{options['endpoint_url'].rstrip('/')}/{bucket}/{location}/"
    else:
        media_url = f"https://{bucket}.s3.amazonaws.com/{location}/"
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, media_url


# Uploads on this server's disk (the default) or, for several app servers, on
# S3-compatible object storage.
MEDIA_STORAGE = env("MEDIA_STORAGE") or "filesystem"
if MEDIA_STORAGE == "s3":
    STORAGES["default"], MEDIA_URL = s3_media_storage()
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured("MEDIA_STORAGE must be filesystem or s3.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "admin:login"
# Where a login goes when its next= is missing or points off the site: the admin,
# not Django's /accounts/profile/, which this site does not have.
LOGIN_REDIRECT_URL = "admin:index"

TAGGIT_CASE_INSENSITIVE = True

SEEDS_DIR = BASE_DIR / "seeds"

# The newsroom's own settings.
NEWSROOM_SITE_NAME = env("NEWSROOM_SITE_NAME", "Marokko Nieuws")
NEWSROOM_SITE_TAGLINE = env(
    "NEWSROOM_SITE_TAGLINE", "Nieuws over Marokko, in het Nederlands"
)
NEWSROOM_SOCIAL_LINKS = [
    ("Facebook", env("NEWSROOM_FACEBOOK_URL", "https://www.facebook.com/")),
    ("X", env("NEWSROOM_X_URL", "https://x.com/")),
    ("Instagram", env("NEWSROOM_INSTAGRAM_URL", "https://www.instagram.com/")),
]
NEWSROOM_DEFAULT_SECTION = env("NEWSROOM_DEFAULT_SECTION", "Nieuws")
NEWSROOM_PAGE_SIZE = env_int("NEWSROOM_PAGE_SIZE", 20)

# Image uploads: larger files or more pixels are refused with a form error. The pixel
# limit is checked from the file's header, before any decoding.
NEWSROOM_IMAGE_MAX_BYTES = env_int("NEWSROOM_IMAGE_MAX_MB", 15) * 1024 * 1024
NEWSROOM_IMAGE_MAX_PIXELS = env_int("NEWSROOM_IMAGE_MAX_MEGAPIXELS", 40) * 1_000_000

# Ticker: how many items run along the top, and how often open pages ask for news.
TICKER_ITEMS = env_int("TICKER_ITEMS", 10)
TICKER_POLL_SECONDS = env_int("TICKER_POLL_SECONDS", 30)
TICKER_BREAKING_POLL_SECONDS = env_int("TICKER_BREAKING_POLL_SECONDS", 10)
# How often open pages check for breaking news: on screen within 10 s of saving
# (docs/configuration.md#breaking-news-within-10-seconds).
TICKER_BREAKING_CHECK_SECONDS = env_int("TICKER_BREAKING_CHECK_SECONDS", 6)

# Admin forms report that they are still open; others see who has one open until
# well after the last report (background tabs may tick once a minute).
EDITING_HEARTBEAT_SECONDS = env_int("NEWSROOM_EDIT_HEARTBEAT_SECONDS", 30)
EDITING_PRESENCE_SECONDS = env_int("NEWSROOM_EDIT_PRESENCE_SECONDS", 180)

# The body editor: its Dutch menu is a Menu extension of our own (editing/editor.js).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("editing/editor.js")],
        # Only a menu: it allows no HTML of its own.
        "extensions": {"DutchMenu": html_tags([])},
    }
]

# How often an open live blog page asks for new updates while coverage is live.
LIVEBLOG_POLL_SECONDS = env_int("LIVEBLOG_POLL_SECONDS", 10)

# Security. Production defaults; local development (DEBUG) relaxes the HTTPS ones.
# Off under pytest too: the test client and the live server speak plain HTTP, and the
# session-wide live server builds its middleware before any per-test override.
SECURE_SSL_REDIRECT = env_bool(
    "DJANGO_SECURE_SSL_REDIRECT", default=not (DEBUG or TESTING)
)
# Trusted because gunicorn only listens behind nginx or a load balancer that sets it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
X_FRAME_OPTIONS = "DENY"
# How many proxies in front of gunicorn append to X-Forwarded-For (nginx: 1; nginx
# behind a load balancer: 2). The login lockout keys on the address found there.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT cannot be negative.")

SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
# Only staff have sessions. StaffSessionMiddleware renews the cookie on every admin
# request, which makes this an inactivity timeout: two hours, for a long edit.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_IDLE_SECONDS", 2 * 60 * 60)

# The admin at an address of your choosing: DJANGO_ADMIN_URL=redactie-x7/.
ADMIN_URL = env("DJANGO_ADMIN_URL", "beheer/").strip("/") + "/"
if ADMIN_URL == "/" or not re.fullmatch(r"[A-Za-z0-9._~/-]+/", ADMIN_URL):
    raise ImproperlyConfigured(
        "DJANGO_ADMIN_URL must be a path such as beheer/ (letters, digits, - . _ ~ /)."
    )

# Login throttling (django-axes): five wrong passwords for one user name from one
# address lock that pair out for a quarter of an hour; other editors, and the same
# editor elsewhere, can still log in.
AUTHENTICATION_BACKENDS = [
    "newsroom.security.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Retrying while locked out must not push the end of the lockout further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "newsroom.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "newsroom.security.client_ip"
AXES_VERBOSE = False

# Content-Security-Policy (django-csp). Public pages load only the site's own scripts
# and styles, never inline ones; ContentSecurityPolicyMiddleware adds the admin's
# needs. A nonce appears only on responses whose templates ask for one.
_media = urlsplit(MEDIA_URL)
_MEDIA_ORIGIN = [f"{_media.scheme}://{_media.netloc}"] if _media.netloc else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_MEDIA_ORIGIN],
        "media-src": [SELF, *_MEDIA_ORIGIN],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Static files: WhiteNoise serves hashed names (from the manifest storage) with a
# year-long immutable Cache-Control by itself; this is for the few unhashed ones.
WHITENOISE_MAX_AGE = env_int("WHITENOISE_MAX_AGE", 0 if DEBUG else 300)

# Logs: JSON lines on stdout (DJANGO_LOG_FORMAT=plain for reading them yourself), each
# with the request's id, method, path and user id when there is a request.
_LOG_FORMAT = env("DJANGO_LOG_FORMAT") or ("plain" if DEBUG else "json")
_LOG_LEVEL = (env("DJANGO_LOG_LEVEL") or "INFO").upper()
if _LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("DJANGO_LOG_FORMAT must be json or plain.")
if _LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        "DJANGO_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "newsroom.logging.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "newsroom.logging.JSONFormatter"},
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
        },
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request"],
            "formatter": _LOG_FORMAT,
        }
    },
    "root": {"handlers": ["stdout"], "level": _LOG_LEVEL},
    "loggers": {
        # Drop Django's own handlers (a DEBUG-only console, mail_admins): everything
        # goes to the root's one stdout handler.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # Axes notes every successful login at INFO; failures come at WARNING.
        "axes": {"level": "WARNING"},
    },
}

# The read-only content API (api/, docs/api.md). Anonymous, JSON only, no sessions:
# its answers are the same for everyone and the page cache keeps them like pages.
API_RATE_LIMIT = env("API_RATE_LIMIT", "600/min")
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 20)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 100)
if not 1 <= API_PAGE_SIZE <= API_MAX_PAGE_SIZE:
    raise ImproperlyConfigured("API_PAGE_SIZE must be between 1 and API_MAX_PAGE_SIZE.")
if not re.fullmatch(r"\d+/(s|sec|m|min|h|hour|d|day)", API_RATE_LIMIT):
    raise ImproperlyConfigured("API_RATE_LIMIT must look like 600/min (s, m, h, d).")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{NEWSROOM_SITE_NAME} content API",
    "DESCRIPTION": (
        "Read-only JSON API of the published articles, sections, tags, authors and "
        "the ticker. Only what the public site shows; see docs/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
# CORS: the origins (https://app.example.nl, comma-separated) whose pages may read
# the API from a browser. Other clients (apps, servers) need no entry.
CORS_ALLOWED_ORIGINS = env_list("API_CORS_ORIGINS")
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "X-Request-ID"]
CORS_PREFLIGHT_MAX_AGE = 86400
