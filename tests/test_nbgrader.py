"""The nbgrader round trip: generate an assignment from 03's notebook and solutions, autograde
three made-up submissions (correct, one known mistake, blank) and check the scores.

Runs when the instructor extra (requirements-instructor.txt: nbgrader) is installed, as .ci/run
does; skipped with a message otherwise. The assignment is the exercise sheet (setup cell and
exercises) so that the three gradings take seconds, not three full notebook runs.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from courseware import assignments

# nbgrader.apps, not nbgrader: `course.py assignments` writes a folder nbgrader/ at the repository
# root, which Python would import as an empty namespace package when the real one is missing.
pytest.importorskip("nbgrader.apps",
                    reason="nbgrader (requirements-instructor.txt) is not installed")

NAME = "03_projection"
MISTAKE = """
import numpy as np
from helpers import corpus, data
counts = data.toy().X.toarray()
ids = corpus.sentence_ids("the bank the river", data.toy().vocab)
u, w = data.toy().vocab.index["bank"], data.toy().vocab.index["the"]
answer = counts[u, w] / counts[u, np.unique(ids)].sum()   # 'the' counted once
"""


def nbgrader(course, *args):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def solution_code(source_cell):
    return re.search(r"### BEGIN SOLUTION\n(.*)\n### END SOLUTION", source_cell.source,
                     re.S).group(1)


def submit(course, student, release, answers):
    """Write `release` with the solution cells' code replaced by `answers[grade_id]`."""
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    folder = course / "submitted" / student / NAME
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / release.name)


def test_source_notebook_cells(tmp_path):
    source = assignments.build(tmp_path, [NAME])[0]
    nb = nbformat.read(source, as_version=4)
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    solutions = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert len(graded) == len(solutions) == 4
    assert all("assert feedback, feedback.message" in c.source for c in graded)
    assert all("### BEGIN SOLUTION" in c.source for c in solutions)
    assert not any("solutions/" in c.source for c in nb.cells)


def test_generate_and_autograde(tmp_path):
    course = tmp_path / "course"
    source = assignments.build(course, [NAME], exercises_only=True)[0]
    nbgrader(course, "generate_assignment", NAME)
    release = course / "release" / NAME / source.name
    assert "BEGIN SOLUTION" not in release.read_text()
    correct = {c.metadata["nbgrader"]["grade_id"]: solution_code(c)
               for c in nbformat.read(source, as_version=4).cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    submit(course, "correct", release, correct)
    submit(course, "mistake", release, {**correct, "exercise_4": correct["exercise_4"] + MISTAKE})
    submit(course, "blank", release, {})
    nbgrader(course, "autograde", NAME)

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s: gradebook.find_submission(NAME, s).score
                  for s in ("correct", "mistake", "blank")}
    assert scores == {"correct": 4, "mistake": 3, "blank": 0}
    graded = (course / "autograded" / "mistake" / NAME / source.name).read_text()
    assert "counted 'the' once" in graded
