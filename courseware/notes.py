"""Speaker notes for the decks, read from a session's teaching notes (docs/teaching/NN_*.md).

The notes are parsed by heading names, not positions: the "Plan …" section's table rows (minutes,
what, how) and the bulleted "Widget…" section (what to demo and what to ask the room).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "docs" / "teaching"


@dataclass
class SessionNotes:
    """What a deck's speaker view shows: the plan's rows and the widget prompts."""

    title: str = ""
    plan: list[tuple[str, str, str]] = field(default_factory=list)  # (minutes, what, how)
    widgets: list[str] = field(default_factory=list)                 # one markdown bullet each


def sections(text: str) -> dict[str, str]:
    """`## heading` → body (up to the next `##`), in order; the `#` title under key ''."""
    out, name, lines = {}, "", []
    for line in text.splitlines():
        if line.startswith("## "):
            out[name] = "\n".join(lines).strip()
            name, lines = line[3:].strip(), []
        else:
            lines.append(line)
    out[name] = "\n".join(lines).strip()
    return out


def find_section(parts: dict[str, str], word: str) -> str:
    """The body of the first section whose heading starts with `word` (case-insensitive)."""
    for name, body in parts.items():
        if name.lower().startswith(word.lower()):
            return body
    return ""


def table_rows(body: str) -> list[tuple[str, str, str]]:
    """Rows of the first markdown table in `body` with three or more cells, header excluded."""
    rows = []
    for line in body.splitlines():
        line = line.strip()
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip("|"))]
        if len(cells) < 3 or set("".join(cells)) <= set("-: "):
            continue
        rows.append((cells[0], cells[1], " | ".join(cells[2:])))
    return rows[1:] if rows and rows[0][0].lower().startswith("min") else rows


def bullets(body: str) -> list[str]:
    """Top-level `- ` items of `body`, each with its indented continuation lines joined."""
    items = []
    for line in body.splitlines():
        if line.startswith(("- ", "* ")):
            items.append(line[2:].strip())
        elif items and line.startswith(" ") and line.strip():
            items[-1] += " " + line.strip()
    return items


def session_notes(notebook: Path) -> SessionNotes:
    """The notes for `notebook` (NN_topic.ipynb) from docs/teaching/NN_topic.md, or empty."""
    path = TEACHING / (notebook.stem + ".md")
    if not path.exists():
        return SessionNotes()
    parts = sections(path.read_text(encoding="utf-8"))
    title = next((line[2:].strip() for line in parts.get("", "").splitlines()
                  if line.startswith("# ")), "")
    return SessionNotes(title=title, plan=table_rows(find_section(parts, "Plan")),
                        widgets=bullets(find_section(parts, "Widget")))


def plan_line(row: tuple[str, str, str]) -> str:
    """One plan row as a markdown line for the speaker view: minutes, what, how."""
    minutes, what, how = row
    return f"- **{minutes} min · {what}**: {how}"
