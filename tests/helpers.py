"""Helpers the tests share (their fixtures are in conftest.py)."""

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def run_python(*args, env, timeout=120):
    """Run the project's Python (a script, manage.py, -m pytest) in a process of its
    own, in the project's folder, with env as its whole environment; return the
    CompletedProcess with its output as text."""
    return subprocess.run(
        [sys.executable, *map(str, args)],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def manage(env, *args, timeout=120):
    """Run manage.py with args (see run_python())."""
    return run_python("manage.py", *args, env=env, timeout=timeout)
