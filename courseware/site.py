"""The course as a static website, built offline from the committed notebooks.

    python3 course.py site        ->  build/site/index.html (open it from disk or any static host)

Sphinx with myst-nb renders README.md (the landing page), notebooks 01–08 in order and their
companions, the notation table, the teaching kit and the solutions. Notebooks are not executed:
the committed outputs are shown as they are. Nothing is fetched at view time: MathJax 3 is
copied from the `django-static-mathjax` package, the widget manager and require.js are left
out, and every explorer shows its static picture. The extra's packages are listed in
requirements-site.txt.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
MATHJAX = "mathjax/tex-svg-full.js"

CONF = '''\
project = "Attention from Co-occurrence"
author = "the course's authors"
extensions = ["myst_nb"]
html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_theme_options = {{"show_toc_level": 2, "navigation_with_keys": False}}
html_show_sourcelink = False
nb_execution_mode = "off"
nb_ipywidgets_js = {{}}
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
mathjax_path = "{mathjax}"
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type", "misc.highlighting_failure",
                     "myst.xref_missing", "toc.not_included"]
exclude_patterns = ["_build"]


def setup(app):
    app.set_html_assets_policy("always")  # MathJax on every page (notes and README use $...$)
'''

INDEX_TOC = """

```{{toctree}}
:hidden:
:caption: Sessions
:maxdepth: 1

{notebooks}
```

```{{toctree}}
:hidden:
:caption: Reference and teaching
:maxdepth: 1

{reference}
```

```{{toctree}}
:hidden:
:caption: Solutions
:maxdepth: 1

{solutions}
```
"""


def mathjax_source() -> Path:
    """MathJax 3's TeX-to-SVG script (fonts inside it) from django-static-mathjax."""
    import importlib.util

    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("The site needs the site extra: pip install -r requirements-site.txt")
    path = Path(next(iter(spec.submodule_search_locations))) / "static/mathjax/es5/tex-svg-full.js"
    if not path.exists():
        raise SystemExit(f"{path} is missing: reinstall django-static-mathjax.")
    return path


def stage(source: Path) -> None:
    """Lay out the site's sources in `source`, mirroring the repository's folders."""
    if source.exists():
        shutil.rmtree(source)
    (source / "_static" / "mathjax").mkdir(parents=True)
    shutil.copyfile(mathjax_source(), source / "_static" / MATHJAX)
    for folder in ("notebooks", "solutions"):
        (source / folder).mkdir()
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            shutil.copyfile(path, source / folder / path.name)
    (source / "docs" / "teaching").mkdir(parents=True)
    for path in [ROOT / "docs" / "notation.md", ROOT / "docs" / "teaching.md",
                 *sorted((ROOT / "docs" / "teaching").glob("*.md"))]:
        shutil.copyfile(path, source / path.relative_to(ROOT))
    (source / "conf.py").write_text(CONF.format(mathjax=MATHJAX))
    entries = {folder: [f"{folder}/{p.stem}" for p in sorted((source / folder).glob("*.ipynb"))]
               for folder in ("notebooks", "solutions")}
    reference = ["docs/notation", "docs/teaching"] + [
        f"docs/teaching/{p.stem}" for p in sorted((source / "docs" / "teaching").glob("*.md"))]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (source / "index.md").write_text(readme + INDEX_TOC.format(
        notebooks="\n".join(entries["notebooks"]), reference="\n".join(reference),
        solutions="\n".join(entries["solutions"])), encoding="utf-8")


def build(output: Path = BUILD / "site") -> Path:
    """Stage the sources and run sphinx-build; returns the path of the landing page."""
    source = BUILD / "site-src"
    stage(source)
    if output.exists():
        shutil.rmtree(output)
    code = subprocess.call([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "1",
                            str(source), str(output)])
    if code != 0:
        raise SystemExit(f"sphinx-build failed with exit code {code}")
    return output / "index.html"


if __name__ == "__main__":
    page = build(Path(sys.argv[1]) if len(sys.argv) > 1 else BUILD / "site")
    print(f"The site is in {page.parent}: open {page} in a browser, or copy the folder to any "
          "static file host.")
