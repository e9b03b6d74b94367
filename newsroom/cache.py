"""Cache backends for which an unreachable cache is a slower site, never a broken one.

Everything Newsroom keeps in its cache (pages, the ticker, the section menu) can be
rebuilt from the database. So when Redis is down, hung or out of memory, every read
is a miss and every write is skipped and logged: pages are rendered instead of
replayed, saves and imports commit as usual. Django's own backends raise instead;
these subclasses override the public methods of the cache API and nothing else.

After a failure the cache is left alone for `RETRY_AFTER` seconds (a circuit
breaker, shared by the threads of a process): during an outage a request costs no
time waiting for the cache at all, instead of one socket timeout per cache call.

Invalidations are the one write that must not be lost: a page cached before the
outage would otherwise stay current after it. `replace_token()` writes them and,
when the cache cannot take them, keeps retrying in the background until it can.
"""

import atexit
import logging
import secrets
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


class Breaker:
    """Whether a cache may be tried now; one per cache location and process."""

    def __init__(self, name, retry_after):
        self.name = name
        self.retry_after = retry_after
        self.lock = threading.Lock()
        self.open_until = 0.0
        self.down_since = None
        self.skipped = 0

    def allows(self):
        if self.open_until <= time.monotonic():
            return True
        with self.lock:
            self.skipped += 1
        return False

    def failed(self, operation, exc):
        with self.lock:
            self.open_until = time.monotonic() + self.retry_after
            first = self.down_since is None
            if first:
                self.down_since = time.monotonic()
        if first:
            logger.warning(
                "Cache %s unavailable (%s: %s); reads are misses and writes are "
                "skipped, trying again every %s s",
                self.name,
                operation,
                exc,
                self.retry_after,
            )
        else:
            logger.warning("Cache %s still unavailable (%s)", self.name, exc)

    def succeeded(self):
        if self.down_since is None:
            return
        with self.lock:
            if self.down_since is None:
                return
            seconds = time.monotonic() - self.down_since
            skipped, self.skipped, self.down_since = self.skipped, 0, None
        logger.info(
            "Cache %s available again after %.1f s (%d operations skipped meanwhile)",
            self.name,
            seconds,
            skipped,
        )


_breakers = {}
_breakers_lock = threading.Lock()


def _breaker(name, retry_after):
    with _breakers_lock:
        if name not in _breakers:
            _breakers[name] = Breaker(name, retry_after)
        return _breakers[name]


class DegradingCacheMixin:
    """Answer every cache call, whatever state the cache is in; see the docstring."""

    #: The errors that mean "the cache is away", not "the caller made a mistake".
    unavailable = ()
    RETRY_AFTER = 5.0

    def setup_breaker(self, location, params):
        options = dict(params.get("OPTIONS") or {})
        retry_after = float(options.pop("RETRY_AFTER", self.RETRY_AFTER))
        self.breaker = _breaker(f"{type(self).__name__}:{location}", retry_after)
        return {**params, "OPTIONS": options}

    def guarded(self, operation, fallback, call, *args, **kwargs):
        if not self.breaker.allows():
            if operation in {"set", "add", "set_many", "delete", "delete_many"}:
                logger.debug("Cache unavailable: %s skipped", operation)
            return fallback
        try:
            result = call(*args, **kwargs)
        except self.unavailable as exc:
            self.breaker.failed(operation, exc)
            return fallback
        self.breaker.succeeded()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self.guarded("add", False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self.guarded("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self.guarded("set", None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self.guarded("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self.guarded("delete", False, super().delete, key, version)

    def get_many(self, keys, version=None):
        keys = list(keys)
        return self.guarded("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self.guarded("has_key", False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        result = self.guarded("incr", None, super().incr, key, delta, version)
        if result is None:
            # What Django's API says about a missing key: every read is a miss.
            raise ValueError(f"Key {key!r} not found (cache unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The cache API's way to say that keys were not stored: their list.
        failed = list(data)
        store = super().set_many
        return self.guarded("set_many", failed, store, data, timeout, version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self.guarded("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        return self.guarded("clear", False, super().clear)


class DegradingRedisCache(DegradingCacheMixin, RedisCache):
    """Django's Redis backend; unreachable, hung or full, it is a cache of misses.

    Give it short `socket_connect_timeout` and `socket_timeout` OPTIONS (settings.py
    does): a hung server then costs one short wait per `RETRY_AFTER` seconds.
    """

    def __init__(self, server, params):
        from redis.exceptions import RedisError

        self.unavailable = (RedisError, OSError)
        super().__init__(server, self.setup_breaker(server, params))


class DegradingFileCache(DegradingCacheMixin, FileBasedCache):
    """Django's file cache; a full disk or a folder it cannot write is a miss."""

    unavailable = (OSError, EOFError)

    def __init__(self, dir, params):
        params = self.setup_breaker(dir, params)
        try:
            super().__init__(dir, params)
        except OSError as exc:  # it creates its folder first thing
            self.breaker.failed("create folder", exc)


# Invalidation tokens that could not be written yet, retried in the background.


class Retrier:
    """Keep replacing tokens the cache could not take until it takes them."""

    INTERVAL = 1.0

    def __init__(self):
        self.lock = threading.Lock()
        self.pending = {}
        self.thread = None

    def add(self, alias, key, timeout, make_value=None):
        with self.lock:
            if (alias, key) not in self.pending:
                logger.warning(
                    "Cache invalidation %s queued until the cache is back", key
                )
            self.pending[alias, key] = (timeout, make_value or new_token)
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self.run, name="cache-invalidation-retry", daemon=True
                )
                self.thread.start()

    def run(self):
        while True:
            time.sleep(self.INTERVAL)
            if not self.flush():
                return

    def flush(self):
        """Try every pending token once; return whether some are still pending."""
        with self.lock:
            pending = dict(self.pending)
        for (alias, key), (timeout, make_value) in pending.items():
            if not caches[alias].set_many({key: make_value()}, timeout):
                logger.info("Cache invalidation %s delivered late", key)
                with self.lock:
                    if self.pending.get((alias, key)) == (timeout, make_value):
                        del self.pending[alias, key]
        with self.lock:
            if self.pending:
                return True
            self.thread = None
            return False

    def report_at_exit(self):
        if self.pending and self.flush():
            logger.error(
                "Cache invalidations %s never reached the cache: cached pages may "
                "show old content until they expire (PAGE_CACHE_SECONDS). Once the "
                "cache is back, run: manage.py shell -c 'from newsroom import "
                "pagecache; pagecache.invalidate()'",
                ", ".join(key for _, key in self.pending),
            )


retrier = Retrier()
atexit.register(retrier.report_at_exit)


def new_token():
    return secrets.token_hex(8)


def replace_token(key, timeout, alias="default"):
    """Store a fresh random token under key, now or, if the cache is away, later.

    Return whether it was stored now. `set_many()` is the cache API's way to tell a
    write that did not happen; a later retry writes another fresh token, which
    invalidates just as well.
    """
    return replace_values([key], timeout, new_token, alias=alias)


def replace_values(keys, timeout, make_value, alias="default"):
    """Store make_value() under every key, now or, for the keys the cache could not
    take, later (a fresh make_value() at each retry). Return whether all were stored
    now."""
    value = make_value()
    failed = caches[alias].set_many(dict.fromkeys(keys, value), timeout)
    for key in failed:
        retrier.add(alias, key, timeout, make_value)
    return not failed
