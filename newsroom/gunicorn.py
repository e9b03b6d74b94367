"""gunicorn settings: gunicorn -c python:newsroom.gunicorn newsroom.wsgi

Every value can be changed through the environment (see docs/deploy.md); gunicorn's
own command-line flags still win over this file.
"""

import multiprocessing
import os
import sys


def _env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        sys.exit(f"{name} must be a whole number, not {value!r}.")


# Behind nginx on the same machine: loopback only. Behind a load balancer:
# GUNICORN_BIND=0.0.0.0:8000 on a private network.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = _env_int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _env_int("GUNICORN_THREADS", 1)
# A request that takes longer than this is stuck; the worker is replaced.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, at different moments, so slow leaks never add up.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Whose X-Forwarded-Proto to believe: the proxy in front (nginx on this machine).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Heartbeat files in memory: a slow disk must not make healthy workers look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The control socket (gunicorn >= 25.1) lives at one path per user; several servers on
# one machine would take it from each other.
control_socket_disable = True

# Access and error logs as JSON lines on stdout, like the application's own logs.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "newsroom.logging.JSONFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "propagate": False},
    },
}


def on_starting(server):
    """Refuse to start, with the reason, when the settings are unusable.

    Otherwise each worker would fail to boot with a traceback of its own.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.SECRET_KEY  # noqa: B018
    except ImproperlyConfigured as exc:
        server.log.error("Configuration error: %s", exc)
        sys.exit(1)
