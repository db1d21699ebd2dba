"""Set up and run the course with nothing but Python 3.10+.

    python3 course.py lab      make .venv, install the course, open JupyterLab on notebooks/
    python3 course.py test     make .venv, install the course and its test tools, run every test
    python3 course.py real-model   add the optional extra for notebook 08 (torch CPU, about 1 GB)
    python3 course.py slides   every notebook as a reveal.js deck in slides/ (offline, with notes)
    python3 course.py student [DIR]   a learners' copy (no solutions, predictions blank) in student/
    python3 course.py assignments [DIR]  nbgrader source notebooks in nbgrader/ (instructor extra)
    python3 course.py site [DIR]   the course as a static website in build/site/ (offline)
    python3 course.py test-oldest  unit tests against the oldest versions requirements.txt allows

Everything is installed into ./.venv (./.venv-oldest for test-oldest); nothing globally. A stamp
in the venv records what was installed from which requirement files: a command whose files have
not changed since skips pip, so it works offline.
"""

import hashlib
import json
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


STAMP = ".course-installed.json"  # inside the venv: {requirement file: fingerprint}


def included_files(requirements) -> list[str]:
    """`requirements` and every file it pulls in with `-r`, recursively (repository-relative)."""
    files, todo = [], [requirements]
    while todo:
        name = todo.pop()
        if name in files:
            continue
        files.append(name)
        for line in (ROOT / name).read_text().splitlines():
            parts = line.split("#")[0].split()
            if len(parts) == 2 and parts[0] in ("-r", "--requirement"):
                todo.append(str((ROOT / name).parent.joinpath(parts[1]).relative_to(ROOT)))
    return files


def fingerprint(requirements, constraints=None) -> str:
    """Hash of the requirement files (with their `-r` includes), constraints and pyproject.toml."""
    digest = hashlib.sha256()
    for name in [*included_files(requirements), constraints, "pyproject.toml"]:
        if name:
            digest.update(name.encode() + b"\0" + (ROOT / name).read_bytes() + b"\0")
    return digest.hexdigest()


def ensure_venv(*requirements, env_dir=VENV, constraints=None):
    """Create the venv if needed; pip-install the course with the requirement files whose
    fingerprint differs from the venv's stamp (none: pip is skipped, nothing is downloaded)."""
    if sys.version_info < (3, 10):  # noqa: UP036 (runs before the venv exists)
        sys.exit("The course needs Python 3.10 or newer; this is " + sys.version.split()[0])
    python = env_dir / PYTHON.relative_to(VENV)
    stamp_path = env_dir / STAMP
    if not python.exists():
        venv.create(env_dir, with_pip=True)
        stamp_path.unlink(missing_ok=True)
    try:
        stamps = json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        stamps = {}
    stale = [r for r in requirements if stamps.get(r) != fingerprint(r, constraints)]
    if not stale:
        print(f"{env_dir.name} is up to date with {', '.join(requirements)}: pip skipped.",
              flush=True)
        return
    pins = ["-c", constraints] if constraints else []
    if not stamps:
        run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    files = [arg for r in stale for arg in ("-r", r)]
    run(python, "-m", "pip", "install", "--quiet", *pins, *files, "-e", ".")
    for r in stale:
        for name in included_files(r):
            stamps[name] = fingerprint(name, constraints)
    stamp_path.write_text(json.dumps(stamps, indent=1, sort_keys=True) + "\n")


def root_flags() -> list[str]:
    """`--allow-root` when the effective user is root (containers, many cloud machines)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        print("Running as root: passing --allow-root to JupyterLab.", flush=True)
        return ["--allow-root"]
    return []


def lab(extra):
    """JupyterLab on the course folder (or on a --ServerApp.root_dir given after `lab`)."""
    ensure_venv("requirements.txt")
    own_root = any(a.startswith("--ServerApp.root_dir") for a in extra)
    root = [] if own_root else [f"--ServerApp.root_dir={ROOT}"]
    run(PYTHON, "-m", "jupyter", "lab", *root,
        "--LabApp.default_url=/lab/tree/notebooks/01_cooccurrence.ipynb", *root_flags(), *extra)


def test(extra):
    """ruff; the tests in tests/ in a random order (pytest-randomly prints its seed: repeat an
    order with `--randomly-seed=N`); then every notebook and solution under nbval, in order."""
    ensure_venv("requirements-dev.txt")
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    run(PYTHON, "-m", "ruff", "check", "src", "tests", "benchmarks", "courseware", "course.py")
    run(PYTHON, "-m", "pytest", "tests", "-p", "randomly", *extra, env=env)
    run(PYTHON, "-m", "pytest", "notebooks", "solutions", "-p", "no:randomly", "--nbval",
        "--nbval-cell-timeout=300", *extra, env=env)


def test_oldest(extra):
    """The unit tests (not notebooks, not the browsers or the site, not the launch) on the floors in
    constraints-oldest.txt."""
    ensure_venv("requirements-dev.txt", env_dir=OLDEST, constraints="constraints-oldest.txt")
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    # Vectors trained under other numpy/numba builds differ in the last bits: keep a separate cache.
    env["ATTENTION_COURSE_CACHE"] = str(OLDEST / "course-cache")
    run(OLDEST_PYTHON, "-m", "helpers.check")
    run(OLDEST_PYTHON, "-m", "pytest", "tests", "--ignore=tests/test_browser.py",
        "--ignore=tests/test_decks.py", "--ignore=tests/test_launch.py",
        "--ignore=tests/test_site.py", *extra, env=env)


def absolute(extra):
    """Arguments with a folder (not an option) made absolute, since commands run from ROOT."""
    return [a if a.startswith("-") else str(Path(a).resolve()) for a in extra]


def slides(extra):
    """Every notebook as a reveal.js deck in slides/ (or the folder given), built in memory from
    the notebooks: slides that fit 1280×720, speaker notes from docs/teaching, local MathJax."""
    ensure_venv("requirements.txt", "requirements-instructor.txt")
    run(PYTHON, "-m", "courseware.decks", *absolute(extra))


def student(extra):
    """A learners' copy in student/ (or the folder given): no solutions, `predict` outputs
    cleared, self-checks working."""
    ensure_venv("requirements.txt")
    run(PYTHON, "-m", "courseware.student", *absolute(extra))


def assignments(extra):
    """nbgrader source notebooks in nbgrader/ (or the folder given); installs the instructor
    extra (nbgrader, MathJax for the decks) into .venv."""
    ensure_venv("requirements.txt", "requirements-instructor.txt")
    run(PYTHON, "-m", "courseware.assignments", *absolute(extra))


def site(extra):
    """The course as a static website in build/site/ (or the folder given), from the committed
    notebooks without executing them; installs the site extra (requirements-site.txt)."""
    ensure_venv("requirements.txt", "requirements-site.txt")
    run(PYTHON, "-m", "courseware.site", *absolute(extra))


def real_model(extra):
    ensure_venv("requirements.txt", "requirements-real-model.txt")


COMMANDS = {"lab": lab, "test": test, "real-model": real_model, "slides": slides,
            "student": student, "assignments": assignments, "site": site,
            "test-oldest": test_oldest}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])
