"""`python3 course.py student`: the learners' copy has no solutions, blank `predict` outputs,
and its self-checks work from its own src/."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from courseware import student

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    target = tmp_path_factory.mktemp("student")
    return target, student.build(target)


def test_no_solutions_or_instructor_material(copy):
    target, notebooks = copy
    assert len(notebooks) == len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    assert not (target / "solutions").exists() and not (target / "docs" / "teaching").exists()
    assert not (target / "courseware").exists() and (target / "src" / "helpers").is_dir()
    for path in notebooks:
        text = "".join(c.source for c in nbformat.read(path, as_version=4).cells)
        assert "solutions/" not in text, path.name


def test_predict_outputs_cleared_others_kept():
    cell = nbformat.v4.new_code_cell("print(1 + 1)", metadata={"tags": ["predict"]})
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="2\n")]
    other = nbformat.v4.new_code_cell("print(3)")
    other.outputs = [nbformat.v4.new_output("stream", name="stdout", text="3\n")]
    text = nbformat.v4.new_markdown_cell(
        "Replace each `None`. Worked\nsolutions are in `solutions/01_x_solutions.ipynb`. Go.")
    nb = student.student_notebook(nbformat.v4.new_notebook(cells=[cell, other, text]))
    assert nb.cells[0].outputs == [] and nb.cells[1].outputs
    assert nb.cells[2].source == "Replace each `None`. Go."


def test_real_predict_cells_are_blank(copy):
    _, notebooks = copy
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            if student.PREDICT in cell.metadata.get("tags", []):
                assert not cell.get("outputs"), path.name


def test_self_checks_work_in_the_copy(copy):
    target, _ = copy
    code = ("import helpers, numpy as np\n"
            "from helpers.exercises import projection as ex\n"
            f"assert str(helpers.__file__).startswith({str(target)!r}), helpers.__file__\n"
            "assert ex.check_4(ex.expected_4()) and not ex.check_4(0.5)\n")
    env = {**os.environ, "PYTHONPATH": str(target / "src")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=300, cwd=target)
    assert done.returncode == 0, done.stderr[-2000:]
