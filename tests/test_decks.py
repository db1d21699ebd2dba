"""The reveal.js decks: built in memory from the notebooks, then checked in headless Chromium.

At 1280×720 no slide may be taller than the screen, body text is at least 24 px, headings keep
their case, math is typeset by the local MathJax and nothing is requested from the network.
Without Chromium or Playwright the browser part is skipped with a message, unless
COURSE_REQUIRE_BROWSER=1 (as in .ci/run).
"""

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from browser_tools import CHROMIUM_FLAGS, skip_unless_ready

from courseware import decks, notes

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MEASURE = """async () => {
  if (window.MathJax && MathJax.startup) { await MathJax.startup.promise; }
  await new Promise(r => setTimeout(r, 50));
  const scale = Reveal.getScale();
  const out = [];
  for (const slide of Reveal.getSlides()) {
    const at = Reveal.getIndices(slide);
    Reveal.slide(at.h, at.v);
    const small = [...slide.querySelectorAll(".jp-RenderedMarkdown p, .jp-RenderedMarkdown li")]
      .map(e => parseFloat(getComputedStyle(e).fontSize) * scale).filter(px => px < 24);
    const upper = [...slide.querySelectorAll("h1, h2, h3, h4, h5, h6")]
      .filter(e => getComputedStyle(e).textTransform !== "none").map(e => e.textContent);
    const title = slide.querySelector("h1, h2, h3, .deck-continued");
    out.push({h: at.h, v: at.v, height: slide.scrollHeight * scale, small: small.length,
              upper: upper, title: title ? title.textContent.trim().slice(0, 60) : "",
              notes: slide.querySelectorAll("aside.notes").length});
  }
  return {slides: out, math: document.querySelectorAll("mjx-container").length,
          raw: document.querySelector(".reveal").innerText.includes("$$"),
          fragments: document.querySelectorAll(".fragment").length};
}"""


def missing_browser():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -r requirements-dev.txt)"
    if shutil.which("chromium") is None:
        return "no chromium on PATH (Debian/Ubuntu: apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("decks")
    return out, decks.build(out)


@pytest.fixture(scope="module")
def measured(built):
    skip_unless_ready(missing_browser(), "deck test")
    from playwright.sync_api import sync_playwright

    out, paths = built
    results, requests = {}, []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720})

        def block(route):
            if not route.request.url.startswith(("file://", "data:")):
                requests.append(route.request.url)
                return route.abort()
            return route.continue_()

        page.route("**/*", block)
        for path in paths:
            page.goto(path.as_uri())
            page.wait_for_function("window.Reveal && Reveal.isReady()")
            results[path.name] = page.evaluate(MEASURE)
        browser.close()
    return results, requests


def test_every_slide_fits_1280x720(measured):
    results, _ = measured
    too_tall = [f"{name} slide {s['h']}.{s['v']} '{s['title']}': {s['height']:.0f} px"
                for name, r in results.items() for s in r["slides"] if s["height"] > 720]
    assert not too_tall, "slides taller than 720 px:\n" + "\n".join(too_tall)


def test_body_text_and_headings(measured):
    results, _ = measured
    for name, r in results.items():
        assert not any(s["small"] for s in r["slides"]), f"{name}: body text below 24 px"
        upper = [u for s in r["slides"] for u in s["upper"]]
        assert not upper, f"{name}: headings with a text-transform: {upper[:3]}"


def test_math_typeset_offline(measured):
    results, requests = measured
    assert not requests, f"decks requested the network: {requests[:3]}"
    if decks.mathjax_script() is None:
        pytest.skip("MathJax 3 (django-static-mathjax, the instructor extra) is not installed")
    for path in NOTEBOOKS:
        r = results[f"{path.stem}.slides.html"]
        nb = nbformat.read(path, as_version=4)
        has_math = any("$" in c.source for c in nb.cells if c.cell_type == "markdown")
        assert (r["math"] > 0 or not has_math) and not r["raw"], f"{path.name}: math not typeset"


def test_notes_and_recap(measured):
    results, _ = measured
    for name, r in results.items():
        assert r["slides"][-1]["title"].startswith("Recap"), name
        if (ROOT / "docs" / "teaching" / name.replace(".slides.html", ".md")).exists():
            assert r["slides"][0]["notes"], f"{name}: no speaker notes on the title slide"
            assert sum(s["notes"] for s in r["slides"]) >= 3, name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_headings_start_slides(path):
    """Every `##` starts a slide and every `###` a sub-slide, whatever the cell metadata; the
    outputs of cells tagged `predict` are fragments."""
    deck = decks.deck_notebook(nbformat.read(path, as_version=4), path)
    for cell in deck.cells:
        kind = cell.metadata["slideshow"]["slide_type"]
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            assert kind == "slide", cell.source
        if cell.cell_type == "markdown" and cell.source.startswith("### "):
            assert kind == "subslide", cell.source
        tags = cell.metadata.get("tags", [])
        if decks.PREDICT in tags and decks.OUTPUT_ONLY in tags:   # ask the room first
            assert kind == "fragment", cell.outputs


def synthetic_notebook():
    """A notebook with a long markdown cell, two headings in one cell and a `predict` cell."""
    long_text = "\n\n".join(f"Paragraph {i}: " + "words of a long argument " * 12
                            for i in range(8))
    predict = nbformat.v4.new_code_cell("print(2 + 2)", metadata={"tags": ["predict"]})
    predict.outputs = [nbformat.v4.new_output("stream", name="stdout", text="4\n")]
    long_output = nbformat.v4.new_code_cell("for i in range(60): print(i)")
    long_output.outputs = [nbformat.v4.new_output(
        "stream", name="stdout", text="".join(f"{i}\n" for i in range(60)))]
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title\n\nIntro."),
        nbformat.v4.new_markdown_cell("## One\n\n" + long_text),
        predict, long_output,
        nbformat.v4.new_markdown_cell("## Summary\n\n- a point\n\n## Exercises\n\nDo it."),
    ])


def test_transform_splits_and_fragments():
    deck = decks.deck_notebook(synthetic_notebook())
    kinds = [(c.metadata["slideshow"]["slide_type"], c.source[:14]) for c in deck.cells]
    assert ("slide", "## Exercises") in kinds and ("slide", "## Summary") in kinds
    assert sum(k == "subslide" for k, _ in kinds) >= 2  # long text and long output continue
    assert any("(continued)" in c.source for c in deck.cells)
    predicted = [c for c in deck.cells if decks.PREDICT in c.metadata.get("tags", [])]
    assert [c.metadata["slideshow"]["slide_type"] for c in predicted] == ["-", "fragment"]
    assert deck.cells[-2].source == "## Recap" and "a point" in deck.cells[-1].source


def test_notes_parsed_by_heading_names(tmp_path, monkeypatch):
    (tmp_path / "09_x.md").write_text(
        "# Session 09\n\n## Learning goals\n\n1. one\n\n## Plan for one session (60 min)\n\n"
        "| min | what | how |\n|---|---|---|\n| 0–10 | Start | Ask: why? |\n"
        "| 10–50 | One | Board work \\| more |\n\n"
        "## Widget demos and questions for the room\n- **A.** Slide it.\n  Ask why.\n- B.\n")
    monkeypatch.setattr(notes, "TEACHING", tmp_path)
    info = notes.session_notes(Path("09_x.ipynb"))
    assert info.title == "Session 09"
    assert [r[:2] for r in info.plan] == [("0–10", "Start"), ("10–50", "One")]
    assert info.widgets == ["**A.** Slide it. Ask why.", "B."]


def session_minutes():
    """Per session: minutes in docs/teaching.md, README, the notes' plan and the notebook."""
    index = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = {}
    for path in NOTEBOOKS:
        number = path.stem[:2]
        row = re.split(r"(?<!\\)\|", re.search(rf"^\| {number} \|.*$", index, re.M).group(0))
        readme_row = re.split(r"(?<!\\)\|", re.search(rf"^\| {number} \|.*$", readme,
                                                        re.M).group(0))
        plan = notes.sections((ROOT / "docs" / "teaching" / f"{path.stem}.md").read_text(
            encoding="utf-8"))
        heading = next(name for name in plan if name.lower().startswith("plan"))
        header = nbformat.read(path, as_version=4).cells[0].source
        found[number] = {
            "docs/teaching.md": int(re.search(r"\d+", row[3]).group(0)),
            "README": int(re.search(r"\d+", readme_row[-2]).group(0)),
            "plan": int(re.search(r"\d+", heading).group(0)),
            "notebook": int(re.search(r"about\s+(\d+)\s+minutes", header).group(1)),
            "planned": re.search(r"(\d+) planned", heading),
        }
    return found


def test_minutes_agree_and_plans_keep_slack():
    for number, minutes in session_minutes().items():
        planned = minutes.pop("planned")
        assert len(set(minutes.values())) == 1, f"session {number}: {minutes}"
        if planned:
            assert minutes["plan"] - int(planned.group(1)) >= 10, f"session {number}: no slack"
