"""The learners' copy of the course, written outside the tracked tree.

    python -m courseware.student [DIR]      (what `python3 course.py student` runs; DIR: student/)

DIR gets what a learner needs to run the course (README, course.py, the requirement files,
pyproject.toml, src/ with the self-checks, docs/notation.md) and the notebooks, changed in
memory: the outputs of cells tagged `predict` are cleared, so the room predicts before running,
and sentences pointing to the worked solutions are dropped. solutions/, the teaching notes,
tests and instructor tools are not copied. Learners run `python3 course.py lab` inside DIR.
"""

import re
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
PREDICT = "predict"
FILES = ("README.md", "course.py", "pyproject.toml", "requirements.txt",
         "requirements-real-model.txt", "docs/notation.md")
FOLDERS = ("src",)
IGNORE = shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints")
SOLUTION_PATH = re.compile(r"\[?`?(?:\.\./)?solutions/[\w./-]*`?\]?(?:\([^)]*\))?")


def drop_solution_sentences(text: str) -> str:
    """`text` without the sentences that mention a file in solutions/."""
    marked = SOLUTION_PATH.sub("\0", text)
    if "\0" not in marked:
        return text
    parts = re.split(r"(?<=[.!?])(\s+)", marked)   # sentence, separator, sentence, …
    sentences, separators = parts[::2], parts[1::2] + [""]
    kept = []
    for sentence, separator in zip(sentences, separators, strict=True):
        if "\0" not in sentence:                   # a dropped sentence takes its separator
            kept += [sentence, separator]
    return "".join(kept).strip() + ("\n" if text.endswith("\n") else "")


def student_notebook(nb):
    """`nb` for learners: `predict` cells without outputs, no pointers to the solutions."""
    for cell in nb.cells:
        if cell.cell_type == "code" and PREDICT in cell.metadata.get("tags", []):
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown":
            cell.source = drop_solution_sentences(cell.source)
    return nb


def build(target: Path) -> list[Path]:
    """Write the learners' copy into `target`; return the notebooks written."""
    target = Path(target).resolve()
    if target == ROOT or ROOT in target.parents and target.relative_to(ROOT).parts[0] in (
            "notebooks", "solutions", "src", "docs", "tests"):
        raise ValueError(f"target {target} is inside the course's tracked files")
    for name in FOLDERS + ("notebooks",):
        shutil.rmtree(target / name, ignore_errors=True)
    for name in FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, target / name)
    for name in FOLDERS:
        shutil.copytree(ROOT / name, target / name, ignore=IGNORE)
    (target / "notebooks").mkdir()
    written = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = student_notebook(nbformat.read(path, as_version=4))
        nbformat.write(nb, target / "notebooks" / path.name)
        written.append(target / "notebooks" / path.name)
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "student"
    notebooks = build(out)
    print(f"{len(notebooks)} notebooks for learners in {out}/ (no solutions; outputs of cells "
          f"tagged '{PREDICT}' cleared). Learners run: cd {out} && python3 course.py lab")
