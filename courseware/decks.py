"""Reveal.js decks built from the notebooks, transformed in memory (the notebooks are not edited).

    python -m courseware.decks [OUTPUT_DIR]     (what `python3 course.py slides` runs)

What the transformation does, so that every slide fits a 1280×720 screen and the room can be
asked before an output appears:
- markdown cells are split at their headings: every `#`/`##` starts a slide and every `###` a
  sub-slide (down arrow), whatever the cell metadata says;
- each section is packed into slides by an estimate of the rendered height (sizes from
  slides_template/course_reveal/static/course.css); what does not fit continues on a sub-slide
  headed "title (continued)": long markdown splits between paragraphs, long code between lines,
  long text output between lines, and an output that does not fit beside its code moves to the
  next sub-slide;
- the output of a cell tagged `predict` is always a fragment (revealed by the next key press),
  and so is the output of any code-and-output pair taller than half a slide;
- speaker notes (the S view) come from docs/teaching/NN_topic.md: the whole plan on the title
  slide, each plan row on the section it belongs to, each widget prompt on its explorer;
- a recap slide at the end repeats the notebook's Summary cell.
"""

import base64
import copy
import re
import shutil
import struct
import sys
from pathlib import Path

import nbformat

from . import notes as session_notes

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "slides_template"
OUTPUT_ONLY = "deck-output-only"  # tag: the cell's input is not shown (its output continues)
PREDICT = "predict"               # tag: ask the room before showing this cell's output

# Slide geometry in CSS px (course.css): 1280×720 with 16 px top padding and 36 px sides.
HEIGHT = 720
BUDGET = 620          # content height a slide is packed to (margin for estimate errors)
WIDTH = 1200          # text width
BODY = (24 * 1.3, WIDTH / (24 * 0.56))     # (line height, characters per line), body text
CODE = (20 * 1.3, WIDTH / (20 * 0.61))     # the same for code and text output
HEADING = {1: 44 * 1.2 + 14, 2: 36 * 1.2 + 14, 3: 30 * 1.2 + 14, 4: 24 * 1.2 + 10}
IMAGE_MAX = 560       # max-height of a picture (course.css)
PARAGRAPH_GAP = 10
CELL_GAP = 10
HEADING_RE = re.compile(r"^(#{1,4})\s+(.*)$")


def _lines_with_state(source: str):
    """Each line of a markdown source with whether it lies inside a code fence or a $$ block
    (a line holding an odd number of $$ opens or closes one)."""
    fenced = math = False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
        if "$$" in stripped and not fenced and stripped.count("$$") % 2 == 1:
            math = not math
        yield line, fenced or math


def split_at_headings(source: str) -> list[str]:
    """A markdown source cut before each heading line (outside code fences and $$ blocks)."""
    parts, lines = [], []
    for line, inside in _lines_with_state(source):
        if HEADING_RE.match(line) and not inside and lines:
            parts.append("\n".join(lines).strip("\n"))
            lines = []
        lines.append(line)
    parts.append("\n".join(lines).strip("\n"))
    return [p for p in parts if p.strip()]


def paragraphs(source: str) -> list[str]:
    """Markdown blocks separated by blank lines; a $$ block or code fence stays whole."""
    blocks, lines = [], []
    for line, inside in _lines_with_state(source):
        if not line.strip() and not inside:
            if lines:
                blocks.append("\n".join(lines))
            lines = []
        else:
            lines.append(line)
    if lines:
        blocks.append("\n".join(lines))
    return blocks


def list_items(block: str) -> list[str]:
    """A markdown block cut before each top-level list item (any lead-in line stays first)."""
    items = [item for item in re.split(r"\n(?=(?:[-*+]|\d+\.)\s)", block) if item.strip()]
    if len(items) > 1 and not re.match(r"(?:[-*+]|\d+\.)\s", items[0]):
        items[:2] = [items[0] + "\n" + items[1]]          # a lead-in stays with the first item
    return items


def table_row_height(line: str) -> float:
    """A table row's height: its tallest cell, each cell wrapping in an equal share of the width."""
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    line_height, per_line = BODY
    width = max(4, int(per_line * 0.95 / len(cells)) - 2)   # characters per column, less padding
    rows = max(max(1, -(-len(_plain(c)) // width)) for c in cells)
    return rows * line_height * 0.95 + 8


def table_chunks(block: str, budget: float) -> list[str]:
    """A markdown table cut into tables of whole rows, each under `budget`, header repeated."""
    lines = block.splitlines()
    header, rows = lines[:2], lines[2:]
    chunks, chunk = [], []
    for row in rows:
        if chunk and markdown_height("\n".join(header + chunk + [row])) > budget:
            chunks.append("\n".join(header + chunk))
            chunk = []
        chunk.append(row)
    return chunks + ["\n".join(header + chunk)] if chunk else chunks


def is_table(block: str) -> bool:
    lines = block.splitlines()
    return len(lines) > 2 and all(line.lstrip().startswith("|") for line in lines)


def _plain(text: str) -> str:
    """Markdown as roughly the characters a reader sees (for width estimates)."""
    text = re.sub(r"\$\$(.+?)\$\$", r"\1", text, flags=re.S)
    text = re.sub(r"\\[a-zA-Z]+", "x", text)            # \sum, \log … one glyph-ish
    text = re.sub(r"[*_`{}]|\]\([^)]*\)|\[", "", text)  # emphasis, code marks, link targets
    return text


def text_height(text: str, metrics) -> float:
    """Height of wrapped `text` with (line height, characters per line) `metrics`."""
    line_height, per_line = metrics
    rows = sum(max(1, -(-len(line) // int(per_line))) for line in text.split("\n"))
    return rows * line_height


def markdown_height(block: str) -> float:
    """Estimated height of one markdown block (paragraph, list, table, heading or $$ math)."""
    heading = HEADING_RE.match(block)
    if heading and "\n" not in block:
        level = len(heading.group(1))
        return HEADING[level] * max(1, -(-len(heading.group(2)) // 60))
    lines = block.splitlines()
    if lines and lines[0].lstrip().startswith("|"):
        return sum(table_row_height(line) for line in lines
                   if not set(line.strip()) <= set("|-: ")) + PARAGRAPH_GAP
    if block.strip().startswith("$$"):
        rows = block.count("\\\\") + 1
        tall = 1.6 if re.search(r"\\frac|\\sum|\\prod|\\begin", block) else 1.0
        return rows * BODY[0] * 1.6 * tall + 14
    height, narrow = 0.0, (BODY[0], BODY[1] * 0.94)                # list indent, quote bar
    for item in re.split(r"\n(?=\s*(?:[-*+>]|\d+\.)\s)", block):  # items start new lines
        extra = 1.25 if "$" in item else 1.0                       # inline math is taller
        metrics = narrow if re.match(r"\s*(?:[-*+>]|\d+\.)\s", item) else BODY
        height += text_height(" ".join(_plain(item).split()), metrics) * extra
    return height + PARAGRAPH_GAP


def png_size(data: str) -> tuple[int, int]:
    """(width, height) from a base64 PNG's header."""
    head = base64.b64decode(data[:48])
    return struct.unpack(">II", head[16:24])


def output_height(output) -> float:
    """Estimated height of one output as the template renders it (PNG first, then text)."""
    if output.output_type == "stream":
        return text_height(output.text.rstrip("\n"), CODE) + 8
    if output.output_type == "error":
        return text_height("\n".join(output.traceback), CODE) + 8
    data = output.get("data", {})
    if "image/png" in data:
        width, height = png_size(data["image/png"])
        meta = output.get("metadata", {}).get("image/png", {})
        width, height = meta.get("width", width), meta.get("height", height)
        return min(height * min(1.0, WIDTH / width), IMAGE_MAX) + 8
    if "application/vnd.jupyter.widget-view+json" in data:
        return 0.0
    if "text/html" in data:
        rows = str(data["text/html"]).count("<tr") or str(data["text/html"]).count("\n") + 1
        return rows * BODY[0] + 8
    if "text/plain" in data:
        return text_height(str(data["text/plain"]), CODE) + 8
    return BODY[0]


def chunk_lines(text: str, budget: float, metrics) -> list[str]:
    """`text` cut between lines into pieces of estimated height at most `budget`."""
    chunks, lines, used = [], [], 0.0
    for line in text.split("\n"):
        height = text_height(line, metrics)
        if lines and used + height > budget:
            chunks.append("\n".join(lines))
            lines, used = [], 0.0
        lines.append(line)
        used += height
    chunks.append("\n".join(lines))
    return chunks


class Piece:
    """One cell of the deck with its estimated height; `joins` keeps it with the piece before."""

    def __init__(self, cell, height, joins=False):
        self.cell, self.height, self.joins = cell, height, joins


def markdown_cell(source, **metadata):
    cell = nbformat.v4.new_markdown_cell(source)
    cell.metadata.update(metadata)
    return cell


def output_cell(cell, outputs):
    """A copy of code `cell` that shows only `outputs` (its input is removed by the exporter)."""
    out = nbformat.v4.new_code_cell("")
    out.outputs = outputs
    out.execution_count = cell.get("execution_count")
    out.metadata = copy.deepcopy(cell.metadata)
    out.metadata["tags"] = [*cell.metadata.get("tags", []), OUTPUT_ONLY]
    return out


def code_pieces(cell, budget) -> list[Piece]:
    """Input (cut between lines when too tall), then outputs (long text cut between lines)."""
    pieces = []
    source = cell.source.rstrip("\n")
    for k, chunk in enumerate(chunk_lines(source, budget - 40, CODE) if source else []):
        code = nbformat.v4.new_code_cell(chunk)
        code.metadata = copy.deepcopy(cell.metadata)
        code.execution_count = cell.get("execution_count")
        pieces.append(Piece(code, text_height(chunk, CODE) + 12, joins=k > 0))
    for output in cell.get("outputs", []):
        if output.output_type == "stream" and output_height(output) > budget - 40:
            for text in chunk_lines(output.text.rstrip("\n"), budget - 60, CODE):
                part = nbformat.v4.new_output("stream", name=output.name, text=text + "\n")
                pieces.append(Piece(output_cell(cell, [part]), text_height(text, CODE) + 8))
        else:
            height = output_height(output)
            if height:
                pieces.append(Piece(output_cell(cell, [output]), height))
    return pieces


def section_pieces(cells, budget) -> list[Piece]:
    """The cells of one section as pieces: markdown by paragraph, code by input and output."""
    pieces = []
    for cell in cells:
        if cell.cell_type == "markdown":
            blocks = [part for block in paragraphs(cell.source) for part in (
                [block] if markdown_height(block) <= budget - 100
                else table_chunks(block, budget - 100) if is_table(block)
                else list_items(block))]
            pieces += [Piece(markdown_cell(b, deck_notes=cell.metadata.get("deck_notes", [])),
                             markdown_height(b)) for b in blocks]
        elif cell.cell_type == "code":
            code = code_pieces(cell, budget)
            for piece in code[1:]:                   # the notes go with the first piece only
                piece.cell.metadata.pop("deck_notes", None)
            pieces += code
    return pieces


def is_output(piece) -> bool:
    return OUTPUT_ONLY in piece.cell.metadata.get("tags", [])


def paginate(heading, pieces, budget=BUDGET) -> list[list[Piece]]:
    """Pack a section's pieces into pages (slides) of estimated height at most `budget`.

    The heading opens the first page; later pages open with "title (continued)". Outputs are
    fragments (what follows them on the page appears with them) when their cell is tagged
    `predict` or the code-and-output pair is taller than half a page.
    """
    title = HEADING_RE.match(heading.cell.source).group(2) if heading else ""
    continued = HEADING[4] + 8
    pages, page, used, pair = [], ([heading] if heading else []), (heading.height
                                                                     if heading else 0.0), 0.0
    for piece in pieces:
        output = is_output(piece)
        pair = pair + piece.height if output else piece.height
        if page and used + piece.height > budget and any(p is not heading for p in page):
            pages.append(page)
            note = markdown_cell(f'<p class="deck-continued">{title} (continued)</p>')
            page, used = ([Piece(note, continued)] if title else []), (continued if title
                                                                        else 0.0)
            pair = piece.height
        page.append(piece)
        used += piece.height
        tags = piece.cell.metadata.get("tags", [])
        piece.fragment = output and (PREDICT in tags or pair > budget / 2)
    if page:
        pages.append(page)
    return pages


def split_sections(nb) -> list[tuple[int, object, list]]:
    """(level, heading cell or None, cells) per `#`/`##`/`###` section of the notebook."""
    sections, level, heading, cells = [], 0, None, []
    for cell in nb.cells:
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if slide_type in ("skip", "notes"):
            continue
        parts = split_at_headings(cell.source) if cell.cell_type == "markdown" else [None]
        for part in parts:
            match = HEADING_RE.match(part.split("\n", 1)[0]) if part is not None else None
            if match and len(match.group(1)) <= 3:
                if heading is not None or cells:
                    sections.append((level, heading, cells))
                lines = part.split("\n", 1)
                level, heading = len(match.group(1)), markdown_cell(lines[0])
                heading.metadata.update(copy.deepcopy(cell.metadata))
                cells = [markdown_cell(lines[1], **copy.deepcopy(cell.metadata))] \
                    if len(lines) > 1 and lines[1].strip() else []
            elif part is not None:
                cells.append(markdown_cell(part, **copy.deepcopy(cell.metadata)))
            else:
                cells.append(cell)
    sections.append((level, heading, cells))
    return sections


WORD = re.compile(r"[a-zA-Zα-ωΑ-Ω][\w'’-]{3,}")
COMMON = {"what", "with", "then", "that", "this", "from", "they", "their", "them", "when", "show",
          "which", "does", "have", "into", "each", "run", "runs", "cell", "cells", "board", "room",
          "about", "before", "after", "demo", "below", "asks", "ask", "why", "the", "and"}


def words(text) -> set[str]:
    return {w.lower() for w in WORD.findall(text)} - COMMON


def section_text(section) -> str:
    _, heading, cells = section
    return " ".join([heading.source if heading else ""] + [c.source for c in cells])


def attach_plan(sections, plan):
    """Each plan row → the `##` section it names ("§3") or, failing that, the one its words
    overlap most among the next few (rows and sections run in the same order)."""
    majors = [i for i, (level, _, _) in enumerate(sections) if level <= 2]
    texts = {i: words(section_text(sections[i])) for i in majors}
    titles = {i: words(sections[i][1].source if sections[i][1] else "") for i in majors}
    position, attached = 0, {i: [] for i in majors}
    numbered = {re.match(r"#+\s*(\d+)\.", sections[i][1].source).group(1): i for i in majors
                if sections[i][1] and re.match(r"#+\s*(\d+)\.", sections[i][1].source)}
    for row in plan:
        section = re.search(r"§\s*(\d+)", row[1])
        if section and section.group(1) in numbered:     # "§3 Key identity" → "## 3. …"
            position = majors.index(numbered[section.group(1)])
            attached[majors[position]].append(session_notes.plan_line(row))
            continue
        what = words(row[1])
        best, best_score = majors[position], 0.0
        for k in range(position, min(position + 4, len(majors))):
            i = majors[k]
            score = 2 * len(what & titles[i]) + len(what & texts[i]) + 0.3 * len(
                words(row[2]) & texts[i]) - 0.5 * (k - position)
            if score > best_score:
                best, best_score = i, score
        if best_score >= 1.5:
            position = majors.index(best)
        attached[majors[position]].append(session_notes.plan_line(row))
    return attached


EXPLORER = re.compile(r"\b(\w+_explorer|\w+_browser)\s*\(")


def attach_widgets(nb_cells, bullets):
    """Each widget bullet → the code cell that shows the explorer it describes."""
    explorers = [c for c in nb_cells if c.cell_type == "code" and EXPLORER.search(c.source)]
    if not explorers:
        return {}
    names = [EXPLORER.search(c.source).group(1) for c in explorers]
    attached, next_free = {}, 0
    for bullet in bullets:
        lead = words(re.sub(r"^\*\*(.+?)\*\*.*$", r"\1", bullet))
        scores = [(name in bullet) * 10 + len(lead & set(name.split("_")[:-1]))
                  for name in names]
        k = max(range(len(names)), key=lambda j: (scores[j], -abs(j - next_free)))
        if scores[k] == 0:
            k = min(next_free, len(names) - 1)
        attached.setdefault(id(explorers[k]), []).append(f"- {bullet}")
        next_free = min(k + 1, len(names) - 1)
    return {id(c): attached.get(id(c), []) for c in explorers}


def summary_cell(sections):
    """The body of the `## Summary` section (its cells' sources), or None."""
    for level, heading, cells in sections:
        if heading is not None and level == 2 and "summary" in heading.source.lower():
            return "\n\n".join(c.source for c in cells if c.cell_type == "markdown")
    return None


def deck_notebook(nb, notebook_path=None):
    """The deck of `nb`: a new notebook whose cells and slide metadata give fitting slides."""
    nb = copy.deepcopy(nb)
    info = session_notes.session_notes(notebook_path) if notebook_path else \
        session_notes.SessionNotes()
    widget_notes = attach_widgets(nb.cells, info.widgets)
    for cell in nb.cells:
        if id(cell) in widget_notes:
            cell.metadata["deck_notes"] = widget_notes[id(cell)]
    sections = split_sections(nb)
    plan_notes = attach_plan(sections, info.plan)
    if info.plan and sections:
        plan_notes[0] = ["**Plan**", *[session_notes.plan_line(r) for r in info.plan]]
    recap = summary_cell(sections)
    if recap:
        sections.append((2, markdown_cell("## Recap"), [markdown_cell(recap)]))
    cells = []
    for index, (level, heading, body) in enumerate(sections):
        head = Piece(heading, markdown_height(heading.source)) if heading else None
        for number, page in enumerate(paginate(head, section_pieces(body, BUDGET))):
            notes = list(plan_notes.get(index, [])) if number == 0 else []
            for k, piece in enumerate(page):
                kind = "fragment" if getattr(piece, "fragment", False) else "-"
                if k == 0:
                    kind = "slide" if (level <= 2 and number == 0) or not cells else "subslide"
                notes += piece.cell.metadata.pop("deck_notes", [])
                piece.cell.metadata["slideshow"] = {"slide_type": kind}
                cells.append(piece.cell)
            if notes:
                cells.append(markdown_cell("\n".join(notes),
                                           slideshow={"slide_type": "notes"}))
    nb.cells = cells
    return nb


def mathjax_script() -> Path | None:
    """MathJax 3's combined TeX→SVG script from the django-static-mathjax package, or None."""
    import importlib.util

    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "static/mathjax/es5/tex-svg-full.js"
    return path if path.exists() else None


def exporter():
    """nbconvert's SlidesExporter with the course template and output-only cells."""
    from nbconvert import SlidesExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    config = Config()
    config.TemplateExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.SlidesExporter.template_name = "course_reveal"
    config.SlidesExporter.reveal_theme = "white"
    config.SlidesExporter.reveal_url_prefix = "embedded"
    export = SlidesExporter(config=config)
    export.register_preprocessor(TagRemovePreprocessor(remove_input_tags={OUTPUT_ONLY}),
                                 enabled=True)
    return export


def build(output_dir: Path, notebooks=None) -> list[Path]:
    """Write one deck per notebook into `output_dir` (plus mathjax/); return the decks' paths."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    notebooks = notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    script = mathjax_script()
    if script is not None:
        (output_dir / "mathjax").mkdir(exist_ok=True)
        shutil.copyfile(script, output_dir / "mathjax" / script.name)
        shutil.copyfile(script.parents[1] / "LICENSE", output_dir / "mathjax" / "LICENSE")
    else:
        print("MathJax 3 is not installed (python3 course.py assignments installs the "
              "instructor extra): math shows as TeX source.", file=sys.stderr)
    export, decks = exporter(), []
    for path in notebooks:
        deck = deck_notebook(nbformat.read(path, as_version=4), path)
        resources = {"metadata": {"name": path.stem}, "deck_mathjax":
                     f"mathjax/{script.name}" if script else ""}
        body, _ = export.from_notebook_node(deck, resources=resources)
        target = output_dir / f"{path.stem}.slides.html"
        target.write_text(body, encoding="utf-8")
        decks.append(target)
    return decks


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "slides"
    built = build(out)
    print(f"{len(built)} decks in {out}/: open NN_topic.slides.html in a browser (arrow keys "
          "move, S opens the speaker view with notes and timings, F goes full screen).")
