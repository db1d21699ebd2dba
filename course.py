"""Set up and run the course with nothing but Python 3.10+.

    python3 course.py lab      make .venv, install the course, open JupyterLab on notebooks/
    python3 course.py test     make .venv, install the course and its test tools, run every test
    python3 course.py real-model   add the optional extra for notebook 08 (torch CPU, about 1 GB)

Everything is installed into ./.venv; nothing is installed globally.
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


def run(*args, **kwargs):
    """Run a command from the repository root; stop with its exit code if it fails."""
    print("+", " ".join(str(a) for a in args), flush=True)
    code = subprocess.call([str(a) for a in args], cwd=ROOT, **kwargs)
    if code != 0:
        sys.exit(code)


def ensure_venv(requirements):
    """Create .venv if needed and install the course package with the given requirements."""
    if sys.version_info < (3, 10):  # noqa: UP036 (runs before the venv exists)
        sys.exit("The course needs Python 3.10 or newer; this is " + sys.version.split()[0])
    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-r", requirements, "-e", ".")


def lab(extra):
    ensure_venv("requirements.txt")
    run(PYTHON, "-m", "jupyter", "lab", "notebooks/01_cooccurrence.ipynb", *extra)


def test(extra):
    ensure_venv("requirements-dev.txt")
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    run(PYTHON, "-m", "ruff", "check", "src", "tests", "benchmarks", "course.py")
    run(PYTHON, "-m", "pytest", "--nbval", "--nbval-cell-timeout=300", *extra, env=env)


def real_model(extra):
    ensure_venv("requirements.txt")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-r", "requirements-real-model.txt", *extra)


COMMANDS = {"lab": lab, "test": test, "real-model": real_model}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])
