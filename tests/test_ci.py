"""A CI run (CI=true) cannot pass by skipping: a missing tool stops it, saying what
to install; elsewhere the tests that need the tool are skipped."""

import os
import sys

from tests.helpers import PROJECT, run_python


def collect_page_quality_tests(tmp_path, ci):
    # A PATH with Python only: no java, no npm.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    env = {**os.environ, "PATH": str(bin_dir), "CI": ci}
    return run_python("-m", "pytest", "-q", "--collect-only", "tests/a11y", env=env)


def test_ci_without_java_or_npm_fails_and_says_what_to_install(tmp_path):
    result = collect_page_quality_tests(tmp_path, ci="true")
    output = result.stdout + result.stderr

    assert result.returncode != 0
    assert "CI=true, and the tests cannot run without skipping" in output
    assert "default-jre-headless" in output
    if not (PROJECT / "tests/a11y/node_modules/vnu-jar").exists():
        assert "install Debian's npm package" in output


def test_outside_ci_the_same_tests_are_collected_to_be_skipped(tmp_path):
    result = collect_page_quality_tests(tmp_path, ci="")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "test_pages_pass_the_nu_html_checker" in result.stdout
