"""Structural checks for every notebook of the course (found at collection time).

Each session notebook: a header cell with goals, prerequisites and minutes; slide metadata that
makes `jupyter nbconvert --to slides` a usable deck; a Summary followed by at least three
exercises whose self-checks live in `helpers.exercises`; committed outputs with no errors;
a static PNG beside every widget; a solutions notebook in which every check says "Correct";
teaching notes in docs/teaching/. Nothing anywhere loads JavaScript from a CDN.
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
COMPANIONS = sorted((ROOT / "notebooks").glob("[0-9][0-9][a-z]_*.ipynb"))  # optional, in depth
READ = NOTEBOOKS + COMPANIONS  # what learners open: headers and slides are checked on all
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
ALL = READ + SOLUTIONS
WIDGET = "application/vnd.jupyter.widget-view+json"
PROGRESS = re.compile(r"(Int|Float)Progress\(")  # a status bar, not a figure: no PNG needed
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}
CHECK_CALL = re.compile(r"\bcheck_\w*\(")
CDN = re.compile(r"<script[^>]+src=[\"']?(https?:)?//|cdn\.jsdelivr|unpkg\.com|cdnjs\."
                 r"|cdn\.plot\.ly|requirejs/\d|require\.min\.js", re.IGNORECASE)


def ids(paths):
    return [path.stem for path in paths]


def read(path):
    return nbformat.read(path, as_version=4)


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]


def text_of(output) -> str:
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return "\n".join(output.traceback)
    return "\n".join(str(value) for key, value in output.get("data", {}).items()
                     if key.startswith("text/"))


def exercise_cells(notebook):
    return [cell for cell in code_cells(notebook) if CHECK_CALL.search(cell.source)]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks/NN_topic.ipynb found"


@pytest.mark.parametrize("path", READ, ids=ids(READ))
def test_header_cell(path):
    first = read(path).cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), (
        f"{path.name}: the first cell must be a markdown title ('# NN · Topic')")
    text = first.source.lower()
    assert "learn" in text, f"{path.name}: the header should say what you'll learn"
    assert "need" in text or "prerequisite" in text, (
        f"{path.name}: the header should say what you need (prerequisite notebooks)")
    assert re.search(r"\d+\s*min", text), f"{path.name}: the header should give the minutes"


@pytest.mark.parametrize("path", READ, ids=ids(READ))
def test_slide_metadata(path):
    notebook = read(path)
    problems = []
    for index, cell in enumerate(notebook.cells):
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        first_line = cell.source.lstrip().split("\n", 1)[0]
        if kind not in SLIDE_TYPES:
            problems.append(f"cell {index}: slide_type {kind!r}")
        elif index == 0 and kind != "slide":
            problems.append("cell 0 (title) should be 'slide'")
        elif cell.cell_type == "markdown" and first_line.startswith("## ") and kind != "slide":
            problems.append(f"cell {index} ({first_line[:40]!r}) should be 'slide', is {kind!r}")
        elif cell.cell_type == "markdown" and first_line.startswith("### ") \
                and kind not in ("slide", "subslide"):
            problems.append(f"cell {index} ({first_line[:40]!r}) should be 'subslide'")
    assert not problems, f"{path.name}: " + "; ".join(problems[:8])
    slides = sum(cell.metadata["slideshow"]["slide_type"] in ("slide", "subslide")
                 for cell in notebook.cells)
    assert 3 <= slides < len(notebook.cells) / 1.5, (
        f"{path.name}: {slides} slides for {len(notebook.cells)} cells is not a usable deck")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_ends_with_summary_and_exercises(path):
    notebook = read(path)
    summary = re.compile(r"#+\s+(\d+\.\s*)?Summary", re.IGNORECASE)
    headings = [index for index, cell in enumerate(notebook.cells)
                if cell.cell_type == "markdown" and summary.match(cell.source)]
    assert headings, f"{path.name}: no markdown cell starting with a 'Summary' heading"
    after = notebook.cells[headings[-1]:]
    exercises = [cell for cell in after if cell.cell_type == "code"
                 and CHECK_CALL.search(cell.source) and re.search(r"answer\w*\s*=\s*None",
                                                                  cell.source)]
    assert len(exercises) >= 3, (
        f"{path.name}: after the Summary, {len(exercises)} exercise cells with "
        f"'answer = None' and a check_...() call; at least 3 expected")
    source = "\n".join(cell.source for cell in code_cells(notebook))
    assert "helpers.exercises" in source, f"{path.name}: checks must come from helpers.exercises"
    for cell in exercises:
        shown = "".join(text_of(output) for output in cell.outputs)
        assert "Not yet" in shown, (
            f"{path.name}: an unanswered exercise should print 'Not yet: <hint>', got "
            f"{shown[:120]!r}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_solutions_notebook(path):
    solutions = ROOT / "solutions" / f"{path.stem}_solutions.ipynb"
    assert solutions.exists(), f"missing solutions/{solutions.name}"
    checks = exercise_cells(read(solutions))
    assert len(checks) >= 3, f"{solutions.name}: {len(checks)} checked exercises, expected >= 3"
    for cell in checks:
        shown = "".join(text_of(output) for output in cell.outputs)
        assert "Correct" in shown and "Not yet" not in shown, (
            f"{solutions.name}: a worked solution does not print 'Correct': {shown[:200]!r}\n"
            f"{cell.source[:200]}")


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_outputs_committed_in_order_without_errors(path):
    notebook = read(path)
    assert notebook.metadata.get("kernelspec", {}).get("name") == "python3", (
        f"{path.name}: the kernel must be 'python3'")
    counts = []
    for index, cell in enumerate(code_cells(notebook)):
        assert cell.execution_count is not None, (
            f"{path.name}: code cell {index} has no committed output (execute the notebook)")
        counts.append(cell.execution_count)
        for output in cell.outputs:
            assert output.output_type != "error", (
                f"{path.name}: code cell {index} has an error output: {output.ename}")
            assert "Traceback (most recent call last)" not in text_of(output), (
                f"{path.name}: code cell {index} prints a traceback")
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts[:12]}... are not 1, 2, 3...: run top to bottom")


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_every_widget_has_a_static_image(path):
    for index, cell in enumerate(code_cells(read(path))):
        for output in cell.outputs:
            data = output.get("data", {})
            if WIDGET in data and not PROGRESS.match(data.get("text/plain", "")):
                if data.get("text/plain", "").startswith("[quiz]"):  # a quiz: its questions
                    assert "<ol>" in data.get("text/html", ""), (
                        f"{path.name}: code cell {index} shows a quiz without its static HTML")
                    continue
                assert "image/png" in data, (
                    f"{path.name}: code cell {index} shows a widget without a static image/png "
                    f"(display an helpers.widgets Explorer, which carries one)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_teaching_notes(path):
    notes = ROOT / "docs" / "teaching" / f"{path.stem}.md"
    assert notes.exists(), f"missing teaching notes docs/teaching/{notes.name}"
    index = (ROOT / "docs" / "teaching.md").read_text()
    assert f"teaching/{notes.name}" in index, f"docs/teaching.md does not link to {notes.name}"


def test_no_javascript_from_a_cdn():
    files = ALL + sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "docs").rglob("*.md"))
    files += [ROOT / "course.py", ROOT / "README.md"]
    offenders = [path.relative_to(ROOT) for path in files
                 if path.exists() and CDN.search(path.read_text(errors="replace"))]
    assert not offenders, f"JavaScript from a CDN in: {offenders}"


def test_slides_embed_reveal_and_load_nothing():
    """`python3 course.py slides` settings: a deck with reveal.js inside and no external URL."""
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    template_dir = str(ROOT / "slides_template")
    config = Config({"TemplateExporter": {"extra_template_basedirs": [template_dir]},
                     "SlidesExporter": {"reveal_theme": "white", "reveal_url_prefix": "embedded"}})
    exporter = SlidesExporter(config=config, template_name="course_reveal")
    deck, _ = exporter.from_notebook_node(read(NOTEBOOKS[0]))
    assert "Reveal.initialize" in deck and "<section" in deck
    loads = re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=[\"']([^\"']+)", deck)
    assert not [url for url in loads if not url.startswith("data:")], loads[:5]
    assert not CDN.search(deck)
