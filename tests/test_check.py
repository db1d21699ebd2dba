"""Tests for helpers.check: the environment check learners run before the first notebook."""

import subprocess
import sys

import pytest
from packaging.requirements import Requirement

from helpers import check


def test_read_requirements_skips_comments_and_options(tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text("# comment\n\n-r other.txt\nnumpy>=1.26  # trailing\nscipy\n")
    names = [(r.name, str(r.specifier)) for r in check.read_requirements(path)]
    assert names == [("numpy", ">=1.26"), ("scipy", "")]


def test_read_requirements_names_the_bad_line(tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text("numpy>=1.26\nnot a requirement !!\n")
    with pytest.raises(ValueError, match="line 2"):
        check.read_requirements(path)


def test_python_versions():
    assert check.check_python("3.11.7")[0]
    ok, line = check.check_python("3.9.18")
    assert not ok and line.startswith("FAIL") and ">=3.10" in line


@pytest.mark.parametrize(
    ("installed", "ok"), [("1.26.0", True), ("2.4.6", True), ("1.25.2", False)]
)
def test_requirement_against_floor(installed, ok):
    result, line = check.check_requirement(Requirement("numpy>=1.26"), installed=installed)
    assert result is ok
    assert line.startswith("OK" if ok else "FAIL") and installed in line


def test_missing_package_says_what_to_do():
    ok, line = check.check_requirement(Requirement("no-such-package-for-the-course>=1"))
    assert not ok and "not installed" in line and "course.py" in line


def test_marker_that_does_not_apply_is_ok():
    ok, line = check.check_requirement(Requirement("numpy>=99; python_version < '3'"))
    assert ok and "not needed" in line


def test_main_exit_codes(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text("numpy>=1.0\n")
    bad = tmp_path / "bad.txt"
    bad.write_text("numpy>=999\n")
    assert check.main([str(good)]) == 0
    assert check.main([str(bad)]) == 1
    assert check.main([str(tmp_path / "missing.txt")]) == 1
    out = capsys.readouterr().out
    assert "OK    numpy" in out and "FAIL  numpy" in out and "not found" in out


def test_course_requirements_pass_here():
    """The environment running the tests satisfies requirements.txt, via `python -m`."""
    done = subprocess.run([sys.executable, "-m", "helpers.check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    assert done.stdout.count("OK") >= 9
