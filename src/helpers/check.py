"""Environment check: is this Python, and every package requirements.txt names, new enough?

Run `python -m helpers.check` (or `python -m helpers.check path/to/requirements.txt`). It prints
one OK or FAIL line for Python and for each requirement and exits with status 1 if any line
fails, so a learner sees what to install before the first notebook. Used in every session.
"""

import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYTHON_SPEC = ">=3.10"
FIX = "python3 course.py lab (or .venv/bin/pip install -r requirements.txt)"


def read_requirements(path) -> list[Requirement]:
    """Requirements from a requirements file: comments, blank and option lines (-r, -c) skipped.

    Raises ValueError naming the line that is not a requirement.
    """
    requirements = []
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if not text or text.startswith("-"):
            continue
        try:
            requirements.append(Requirement(text))
        except InvalidRequirement as exc:
            raise ValueError(
                f"{path}, line {number}: {text!r} is not a requirement ({exc})."
            ) from None
    return requirements


def check_python(version=None, spec=PYTHON_SPEC) -> tuple[bool, str]:
    """(ok, line) for the running Python (or `version`, a string) against `spec`."""
    version = version or ".".join(str(part) for part in sys.version_info[:3])
    ok = Version(version) in SpecifierSet(spec)
    return ok, f"{'OK  ' if ok else 'FAIL'}  python {version} (needs {spec})"


def check_requirement(requirement: Requirement, installed=None) -> tuple[bool, str]:
    """(ok, line) for one requirement; `installed` overrides the installed version (for tests).

    A requirement whose environment marker does not apply here counts as OK.
    """
    spec = str(requirement.specifier) or "any version"
    if requirement.marker is not None and not requirement.marker.evaluate():
        return True, f"OK    {requirement.name} (not needed on this platform)"
    if installed is None:
        try:
            installed = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            return False, f"FAIL  {requirement.name} is not installed (needs {spec}); run {FIX}"
    ok = requirement.specifier.contains(installed, prereleases=True)
    line = f"{'OK  ' if ok else 'FAIL'}  {requirement.name} {installed} (needs {spec})"
    return ok, line if ok else f"{line}; run {FIX}"


def check(path=ROOT / "requirements.txt") -> tuple[bool, list[str]]:
    """(all ok, report lines) for Python and every requirement in `path`."""
    results = [check_python()]
    results += [check_requirement(requirement) for requirement in read_requirements(path)]
    return all(ok for ok, _ in results), [line for _, line in results]


def main(argv=None) -> int:
    """Print the report; return 0 when everything is OK, 1 otherwise."""
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else ROOT / "requirements.txt"
    if not path.exists():
        print(f"FAIL  {path} not found; pass the path to the course's requirements.txt")
        return 1
    ok, lines = check(path)
    print("\n".join(lines))
    print("All good: the course can run here." if ok else "Some checks failed: see FAIL lines.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
