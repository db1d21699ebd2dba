"""nbgrader source notebooks generated from notebooks/ and solutions/ (instructor extra).

    python -m courseware.assignments [DIR] [--exercises-only]   (`python3 course.py assignments`)

DIR (default nbgrader/, ignored by git) becomes an nbgrader course folder: nbgrader_config.py
and source/NN_topic/NN_topic.ipynb per notebook. In each, the exercise cell (the one calling
`ex.check_N(answer)`) becomes a solution cell (the exercise's own lines, then the worked solution
from solutions/ between `### BEGIN SOLUTION` and `### END SOLUTION`), followed by an autograded
test cell worth one point: `feedback = ex.check_N(answer)` and `assert feedback,
feedback.message` (a Feedback is true only when the answer is correct). Then, inside DIR:
`nbgrader generate_assignment NN_topic`, collect submissions into submitted/<student>/NN_topic/,
`nbgrader autograde NN_topic`. With --exercises-only each assignment keeps only the notebook's
title, its first code cell and the cells from the Summary on, so grading runs in seconds.
"""

import re
import sys
from pathlib import Path

import nbformat

from .student import drop_solution_sentences, student_notebook

ROOT = Path(__file__).resolve().parents[1]
CHECK = re.compile(r"\b(?:\w+\.)?check_(\d+)\s*\(")
STUB = "answer = None  # YOUR ANSWER HERE"
CONFIG = '''"""nbgrader settings for the course's assignments (from courseware.assignments)."""

c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "attention-from-cooccurrence"
c.Exchange.root = {exchange!r}
c.ClearSolutions.code_stub = {{"python": {stub!r}}}
c.ClearOutput.enabled = False  # lesson outputs stay (cells tagged predict are already cleared)
c.ExecutePreprocessor.timeout = 300
'''


def nbgrader_meta(grade_id, solution=False, grade=False, points=0):
    """The cell metadata nbgrader (schema 3) reads."""
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution,
            "schema_version": 3, "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def check_call(source: str) -> str:
    """The `ex.check_N(...)` expression in `source`, parentheses balanced."""
    match = CHECK.search(source)
    depth, end = 0, match.end() - 1
    for end in range(match.end() - 1, len(source)):
        depth += {"(": 1, ")": -1}.get(source[end], 0)
        if depth == 0:
            break
    return source[match.start():end + 1]


def without_checks(source: str, drop_placeholder=False) -> str:
    """`source` without the lines that call a check (and `answer = None` lines if asked)."""
    keep = [line for line in source.splitlines() if not CHECK.search(line) and not (
        drop_placeholder and re.match(r"\s*answer\s*=\s*None\b", line))]
    return "\n".join(keep).strip("\n")


def solution_sources(solutions_nb) -> dict[int, str]:
    """Exercise number → the worked solution's code (its cells since the last heading)."""
    found, pending = {}, []
    for cell in solutions_nb.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("#"):
            pending = []
        elif cell.cell_type == "code":
            pending.append(cell.source)
            match = CHECK.search(cell.source)
            if match:
                found[int(match.group(1))] = without_checks("\n".join(pending))
                pending = []
    return found


def exercise_sheet(nb):
    """`nb` cut to its title, its first code cell (imports, data) and the cells from the
    `## Summary` heading on: a short assignment whose autograding runs in seconds."""
    code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    start = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
                  and c.source.lstrip().lower().startswith("## summary")), code + 1)
    nb.cells = nb.cells[:code + 1] + nb.cells[max(start, code + 1):]
    return nb


def source_notebook(nb, solutions_nb, exercises_only=False):
    """The nbgrader source version of `nb`: solution cells and autograded test cells."""
    nb = exercise_sheet(student_notebook(nb)) if exercises_only else student_notebook(nb)
    solutions = solution_sources(solutions_nb)
    cells = []
    for cell in nb.cells:
        match = CHECK.search(cell.source) if cell.cell_type == "code" else None
        if match is None or int(match.group(1)) not in solutions:
            cells.append(cell)
            continue
        number = int(match.group(1))
        given = without_checks(cell.source, drop_placeholder=True)
        body = "\n".join(filter(None, [given, "### BEGIN SOLUTION", solutions[number],
                                       "### END SOLUTION"]))
        cells.append(nbformat.v4.new_code_cell(
            body, metadata={**cell.metadata, **nbgrader_meta(f"exercise_{number}",
                                                             solution=True)}))
        test = f"feedback = {check_call(cell.source)}\nassert feedback, feedback.message"
        cells.append(nbformat.v4.new_code_cell(
            test, metadata=nbgrader_meta(f"check_{number}", grade=True, points=1)))
    for cell in cells:
        if cell.cell_type == "markdown":
            cell.source = drop_solution_sentences(cell.source)
    nb.cells = cells
    return nb


def build(target: Path, stems=None, exercises_only=False) -> list[Path]:
    """Write nbgrader_config.py and source/<stem>/<stem>.ipynb into `target` (the whole
    notebook, or with `exercises_only` its setup cell and exercises)."""
    target = Path(target).resolve()
    target.mkdir(parents=True, exist_ok=True)
    (target / "exchange").mkdir(exist_ok=True)
    (target / "nbgrader_config.py").write_text(CONFIG.format(
        root=str(target), exchange=str(target / "exchange"), stub=STUB))
    written = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        solutions = ROOT / "solutions" / f"{path.stem}_solutions.ipynb"
        if (stems and path.stem not in stems) or not solutions.exists():
            continue
        nb = source_notebook(nbformat.read(path, as_version=4),
                             nbformat.read(solutions, as_version=4), exercises_only)
        out = target / "source" / path.stem / path.name
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out)
        written.append(out)
    return written


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--exercises-only"]
    out = Path(args[0]) if args else ROOT / "nbgrader"
    notebooks = build(out, exercises_only="--exercises-only" in sys.argv)
    print(f"{len(notebooks)} nbgrader source notebooks in {out}/source/. Then, in {out}: "
          "nbgrader generate_assignment NN_topic; put submissions in "
          "submitted/<student>/NN_topic/; nbgrader autograde NN_topic.")
