"""Set up and run the course with nothing but Python 3.10+.

    python3 course.py lab      make .venv, install the course, open JupyterLab on notebooks/
    python3 course.py test     make .venv, install the course and its test tools, run every test
    python3 course.py real-model   add the optional extra for notebook 08 (torch CPU, about 1 GB)
    python3 course.py slides   turn every notebook into a reveal.js deck in slides/ (offline)
    python3 course.py test-oldest  unit tests against the oldest versions requirements.txt allows

Everything is installed into ./.venv (./.venv-oldest for test-oldest); nothing globally.
"""

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
OLDEST = ROOT / ".venv-oldest"
OLDEST_PYTHON = OLDEST / PYTHON.relative_to(VENV)


def run(*args, **kwargs):
    """Run a command from the repository root; stop with its exit code if it fails."""
    print("+", " ".join(str(a) for a in args), flush=True)
    code = subprocess.call([str(a) for a in args], cwd=ROOT, **kwargs)
    if code != 0:
        sys.exit(code)


def ensure_venv(requirements, env_dir=VENV, constraints=None):
    """Create the venv if needed and install the course package with the given requirements."""
    if sys.version_info < (3, 10):  # noqa: UP036 (runs before the venv exists)
        sys.exit("The course needs Python 3.10 or newer; this is " + sys.version.split()[0])
    python = env_dir / PYTHON.relative_to(VENV)
    if not python.exists():
        venv.create(env_dir, with_pip=True)
    pins = ["-c", constraints] if constraints else []
    run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(python, "-m", "pip", "install", "--quiet", *pins, "-r", requirements, "-e", ".")


def lab(extra):
    ensure_venv("requirements.txt")
    run(PYTHON, "-m", "jupyter", "lab", f"--ServerApp.root_dir={ROOT}",
        "--LabApp.default_url=/lab/tree/notebooks/01_cooccurrence.ipynb", *extra)


def test(extra):
    ensure_venv("requirements-dev.txt")
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    run(PYTHON, "-m", "ruff", "check", "src", "tests", "benchmarks", "course.py")
    run(PYTHON, "-m", "pytest", "--nbval", "--nbval-cell-timeout=300", *extra, env=env)


def test_oldest(extra):
    """The unit tests (not notebooks, not the browser) on the floors in constraints-oldest.txt."""
    ensure_venv("requirements-dev.txt", OLDEST, constraints="constraints-oldest.txt")
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    # Vectors trained under other numpy/numba builds differ in the last bits: keep a separate cache.
    env["ATTENTION_COURSE_CACHE"] = str(OLDEST / "course-cache")
    run(OLDEST_PYTHON, "-m", "helpers.check")
    run(OLDEST_PYTHON, "-m", "pytest", "tests", "--ignore=tests/test_browser.py", *extra, env=env)


def slides(extra):
    """Every notebook as a reveal.js deck in slides/, reveal.js embedded: no network needed."""
    ensure_venv("requirements.txt")
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    run(PYTHON, "-m", "jupyter", "nbconvert", "--to", "slides", "--output-dir", "slides",
        "--TemplateExporter.extra_template_basedirs=slides_template", "--template",
        "course_reveal", "--SlidesExporter.reveal_theme=white",
        "--SlidesExporter.reveal_url_prefix=embedded", *extra, *notebooks)
    print(f"{len(notebooks)} decks in slides/: open slides/NN_topic.slides.html in a browser "
          "(arrow keys move, S opens the speaker view, F goes full screen).")


def real_model(extra):
    ensure_venv("requirements.txt")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-r", "requirements-real-model.txt", *extra)


COMMANDS = {"lab": lab, "test": test, "real-model": real_model, "slides": slides,
            "test-oldest": test_oldest}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])
