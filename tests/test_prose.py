"""Checks on what the notebooks' prose says (markdown cells), against their own outputs.

- Quoted numbers: a number in a markdown cell with two or more significant digits (0.20, 48,
  4,914, 0.983) must be printed by a code cell of the same notebook, at the quoted precision.
  Exempt: numbers that appear in the notebook's code (parameter values), years, zero-padded
  notebook numbers (03), section numbers (§3, "section 3"), durations (8 s, 90 min), and
  anything inside inline code, links or the header cell's timing line.
- Notation: every session notebook's header links to docs/notation.md; no notebook uses the
  retired symbols (the selector is O, never Q; right-only counts are X^R in prose).
- Glossary order: a term of docs/notation.md's glossary is not used in a notebook before the
  cell that defines it (the cell where it first appears in **bold**); the header is exempt, and
  an earlier notebook may mention the term in a cell that names the defining notebook ("06").
"""

import math
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SESSIONS = [path for path in NOTEBOOKS if re.match(r"\d\d_", path.name)]
NOTATION = ROOT / "docs" / "notation.md"

NUMBER = re.compile(r"(?<![\w.\-/^])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w]|\.\d)")
UNIT_AFTER = re.compile(r"^\s*(%|s\b|ms\b|min\b|minutes?\b|seconds?\b|h\b|hours?\b|GB\b|MB\b"
                        r"|KB\b|k\b|M\b|dpi\b|px\b|×)")
SECTION_BEFORE = re.compile(r"(§|[Ss]ection|[Nn]otebooks?|[Ss]essions?|[Ss]tep|[Ee]xercises?"
                            r"|[Rr]ung|[Ll]ayer|cells?)\s*$")
CODE_SPAN = re.compile(r"`[^`]*`")
LINK_TARGET = re.compile(r"\]\([^)]*\)|<[^>]*>|https?://\S+")
OUTPUT_NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?")


def read(path):
    return nbformat.read(path, as_version=4)


def ids(paths):
    return [path.stem for path in paths]


def output_text(notebook) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                parts.append(output.text)
            for key, value in output.get("data", {}).items():
                if key.startswith("text/"):
                    parts.append(str(value))
    return "\n".join(parts)


def significant_digits(whole: str, fraction: str) -> int:
    digits = whole.replace(",", "") + fraction.lstrip(".")
    if not fraction:
        digits = digits.rstrip("0") or "0"
    return len(digits.lstrip("0"))


def printed_values(text: str) -> list:
    values = []
    for match in OUTPUT_NUMBER.finditer(text):
        token = match.group().replace(",", "").replace("−", "-")
        try:
            values.append(float(token))
        except ValueError:
            continue
    return values


def is_printed(value: float, decimals: int, percent: bool, printed) -> bool:
    targets = [value, value / 100] if percent else [value]
    tolerance = 0.5 * 10 ** (-decimals) + 1e-12
    for target in targets:
        scale = 100 if (percent and target is not value) else 1
        step = tolerance / scale
        for x in printed:
            if abs(abs(x) - target) <= step:
                return True
    return False


def quoted_numbers(markdown: str):
    """(text, value, decimals, percent) for each number in prose that needs a printed source."""
    text = LINK_TARGET.sub(" ", CODE_SPAN.sub(" ", markdown))
    for match in NUMBER.finditer(text):
        whole, fraction = match.group(1), match.group(2) or ""
        before, after = text[:match.start()], text[match.end():]
        if significant_digits(whole, fraction) < 2:
            continue
        if not fraction and (whole.startswith("0") or (whole.isdigit()
                                                       and 1900 <= int(whole) <= 2100)):
            continue
        unit = UNIT_AFTER.match(after)
        percent = bool(unit) and unit.group(1) == "%"
        if unit and not percent:
            continue
        if SECTION_BEFORE.search(before[-20:]):
            continue
        value = float(whole.replace(",", "") + fraction)
        yield match.group(), value, len(fraction.lstrip(".")), percent


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_quoted_numbers_are_printed(path):
    notebook = read(path)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    in_code = {float(m) for m in re.findall(r"(?<![\w.])\d+(?:\.\d+)?", code)}
    printed = printed_values(output_text(notebook))
    missing = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown" or index == 0:
            continue
        for text, value, decimals, percent in quoted_numbers(cell.source):
            if value in in_code or is_printed(value, decimals, percent, printed):
                continue
            missing.append(f"cell {index}: {text}{' %' if percent else ''}")
    assert not missing, (
        f"{path.name}: numbers quoted in markdown that no output of the notebook prints "
        f"(print them in a code cell, or quote what is printed): {missing[:15]}")


def test_quoted_number_rules():
    found = [text for text, *_ in quoted_numbers(
        "We saw 0.983 and 48 uses, 4,914 sequences, 0.5 and 10 and 2014, in 8.5 s, §12, "
        "notebook 04, `0.77`, [link](x_0.66.md) and 98 %.")]
    assert found == ["0.983", "48", "4,914", "98"]
    printed = printed_values("share 0.9831, n = 4914, 0.98")
    assert is_printed(0.983, 3, False, printed) and is_printed(4914, 0, False, printed)
    assert is_printed(98, 0, True, printed) and not is_printed(0.97, 2, False, printed)
    assert math.isclose(significant_digits("0", ".20"), 2)


@pytest.mark.parametrize("path", SESSIONS, ids=ids(SESSIONS))
def test_header_links_the_notation_table(path):
    header = read(path).cells[0].source
    assert "notation.md" in header, (
        f"{path.name}: the header cell should link to the notation table "
        f"([notation](../docs/notation.md))")


RETIRED = [
    (re.compile(r"\bQ\s*S\s*Q\s*ᵀ|\bQ\s*log\s*X\s*Q|Q\^?\\?top?\s*Q\b|\bQ\s*\(\s*X|Q S Π S"),
     "the selector is O (the paper's Q); Q means queries"),
    (re.compile(r"\bXR\b|\bX_right\b|\bX_R\b"), "right-only counts are X^R in prose"),
]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_retired_notation(path):
    problems = []
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "markdown":
            continue
        prose = CODE_SPAN.sub(" ", cell.source)
        for pattern, rule in RETIRED:
            match = pattern.search(prose)
            if match:
                problems.append(f"cell {index}: {match.group()!r} ({rule})")
    assert not problems, f"{path.name}: {problems[:10]}"


def glossary():
    """{term variant: first notebook number} from docs/notation.md's glossary table."""
    text = NOTATION.read_text()
    section = text.split("## Glossary", 1)[1]
    terms = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2].isdigit():
            for variant in cells[0].split(","):
                terms[variant.strip()] = int(cells[2])
    return terms


def term_pattern(term):
    return re.compile(r"(?<![\w-])" + re.escape(term) + r"(s|es)?(?![\w-])", re.IGNORECASE)


def test_glossary_is_read():
    terms = glossary()
    assert len(terms) >= 15 and terms.get("softmax") == 1


@pytest.mark.parametrize("path", SESSIONS, ids=ids(SESSIONS))
def test_terms_defined_before_use(path):
    number = int(path.name[:2])
    cells = [CODE_SPAN.sub(" ", cell.source) if cell.cell_type == "markdown" else ""
             for cell in read(path).cells]
    problems = []
    for term, first in glossary().items():
        pattern = term_pattern(term)
        uses = [i for i, text in enumerate(cells) if i > 0 and pattern.search(text)]
        if not uses:
            continue
        if number != first:
            early = [i for i in uses if f"{first:02d}" not in cells[i]]
            if number < first and early:
                problems.append(f"{term!r} used in cell {early[0]} but defined in notebook "
                                f"{first:02d}")
            continue
        bold = re.compile(r"\*\*" + re.escape(term) + r"(s|es)?\*\*", re.IGNORECASE)
        defined = [i for i, text in enumerate(cells) if bold.search(text)]
        if not defined:
            problems.append(f"{term!r} is never defined in bold (**{term}**)")
        elif uses[0] < defined[0]:
            problems.append(f"{term!r} used in cell {uses[0]} before its definition in cell "
                            f"{defined[0]}")
    assert not problems, f"{path.name}: " + "; ".join(problems[:12])
