"""Test-session settings shared by unit tests and notebook validation."""

import os

# MPLBACKEND=Agg would reach the notebook kernels and disable inline figures.
os.environ.pop("MPLBACKEND", None)

def pytest_configure(config):
    """Notebook kernels started by this session check every figure for overlapping labels.

    A temporary IPYTHONDIR holds tests/kernel/check_figures.py as a startup file, so the check
    runs in the test kernels only (see that file).
    """
    import shutil
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="course-ipython-"))
    startup = folder / "profile_default" / "startup"
    startup.mkdir(parents=True)
    shutil.copyfile(Path(__file__).parent / "tests" / "kernel" / "check_figures.py",
                    startup / "00-check_figures.py")
    os.environ["IPYTHONDIR"] = str(folder)
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


# Session 08 needs the optional real-model extra; without it its notebooks are skipped, loudly.
REAL_MODEL_FILES = ("08_real_model.ipynb", "08_real_model_solutions.ipynb")


def _real_model_missing():
    from helpers.real_model import EXTRA_HINT, missing_extra

    name = missing_extra()
    return None if name is None else f"{name} is not installed; {EXTRA_HINT}"


def pytest_report_header(config):
    reason = _real_model_missing()
    return f"real-model extra: {'installed' if reason is None else 'MISSING, ' + reason}"


def pytest_collection_modifyitems(config, items):
    import pytest

    reason = _real_model_missing()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"notebook 08 skipped: {reason}")
    for item in items:
        if item.path.name in REAL_MODEL_FILES:
            item.add_marker(skip)
