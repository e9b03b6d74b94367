"""The embedded default cache: Django's file cache, read from disk only when changed.

Files are what makes the embedded default shared: every worker process (and
manage.py shell) reads and writes the same folder, so an invalidation in one reaches
all. Reading a file costs an open, a read and an unpickle on every request, though,
and the page cache reads its generation on every request. `FileCache` keeps what it
last read of a small immutable value in the process, and trusts it for as long as the
file is the very same file: same inode, size and modification time (one `stat`).

Django's file cache replaces a file by renaming a new one over it, so a new value
means a new inode, but the file system may hand out an inode just freed, and file
times only have the kernel clock's few-millisecond granularity. A value is therefore
kept only once its file is older than `SETTLED`: any replacement after that gets a
later modification time.
"""

import dataclasses
import os
import pickle
import threading
import time
import zlib
from datetime import datetime

from django.core.cache.backends.filebased import FileBasedCache

# Values that nobody can change in place: a kept copy can be handed out again.
_IMMUTABLE = (str, bytes, int, float, bool, datetime, type(None))


def _immutable(value):
    if isinstance(value, _IMMUTABLE):
        return True
    if isinstance(value, tuple):
        return all(_immutable(item) for item in value)
    return dataclasses.is_dataclass(value) and value.__dataclass_params__.frozen


class FileCache(FileBasedCache):
    SETTLED = 0.05
    # Small values only (generations, the ticker's state): pages keep their own
    # copies in the page cache middleware.
    MAX_KEPT = 64
    MAX_KEPT_BYTES = 64 * 1024

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._kept = {}
        self._lock = threading.Lock()

    def get(self, key, default=None, version=None):
        fname = self._key_to_file(key, version)
        try:
            stat = os.stat(fname)
        except FileNotFoundError:
            self._kept.pop(fname, None)
            return default
        signature = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        now = time.time()
        kept = self._kept.get(fname)
        if kept is not None and kept[0] == signature:
            expiry, value = kept[1], kept[2]
            if expiry is None or expiry > now:
                return value
        try:
            with open(fname, "rb") as f:
                expiry = pickle.load(f)
                if expiry is not None and expiry < now:
                    f.close()  # on Windows a file has to be closed before deleting
                    self._delete(fname)
                    return default
                value = pickle.loads(zlib.decompress(f.read()))
        except FileNotFoundError:
            return default
        if (
            stat.st_size <= self.MAX_KEPT_BYTES
            and now - stat.st_mtime > self.SETTLED
            and _immutable(value)
        ):
            with self._lock:
                if len(self._kept) >= self.MAX_KEPT:
                    self._kept.clear()
                self._kept[fname] = (signature, expiry, value)
        return value
