"""The course website (`python3 course.py site`) built offline and checked in headless Chromium.

The build runs once per test session into a temporary folder. Every page is opened from
file:// with every other request aborted, and must: attempt no request outside the site, load
every image, have every local link resolve to a file, and show typeset math (MathJax output,
no raw TeX). The search page must find a word. A screenshot of one notebook page is saved
under screenshots/. Needs the site extra (requirements-site.txt) and Chromium; without them the
test is skipped, unless COURSE_REQUIRE_BROWSER=1 (as in .ci/run) makes that a failure.
"""

import importlib.util
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from browser_tools import CHROMIUM_FLAGS, skip_unless_ready

ROOT = Path(__file__).resolve().parents[1]
def missing() -> str | None:
    for module, what in (("sphinx", "the site extra (pip install -r requirements-site.txt)"),
                         ("myst_nb", "the site extra (pip install -r requirements-site.txt)"),
                         ("mathjax", "the site extra (pip install -r requirements-site.txt)"),
                         ("playwright", "the playwright package")):
        if importlib.util.find_spec(module) is None:
            return f"{what} is missing"
    if shutil.which("chromium") is None:
        return "chromium is missing (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    skip_unless_ready(missing(), "site test")
    from courseware import site as builder

    output = tmp_path_factory.mktemp("site") / "html"
    index = builder.build(output)
    assert index.exists()
    return output


@pytest.fixture(scope="module")
def page(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        outside = []

        def route(request_route):
            url = request_route.request.url
            if url.startswith("file://") or url.startswith("data:"):
                request_route.continue_()
            else:
                outside.append(url)
                request_route.abort()

        context.route("**/*", route)
        context.set_default_timeout(120_000)  # MathJax typesets hundreds of formulas per page
        tab = context.new_page()
        tab.outside = outside
        yield tab
        browser.close()


def pages(site):
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts
                  and p.name not in ("genindex.html", "search.html"))


def local_target(page_path: Path, href: str) -> Path | None:
    parsed = urlparse(href)
    if parsed.scheme not in ("", "file") or not parsed.path:
        return None
    return (page_path.parent / unquote(parsed.path)).resolve()


def test_the_site_has_every_notebook_and_the_notation(site):
    built = {p.relative_to(site).as_posix() for p in pages(site)}
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"notebooks/{notebook.stem}.html" in built
    assert {"index.html", "docs/notation.html", "docs/teaching.html"} <= built


def test_every_page_offline_with_images_links_and_math(site, page):
    problems = []
    for path in pages(site):
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        name = path.relative_to(site).as_posix()
        has_tex = page.evaluate("() => /\\$\\$|\\\\\\(|\\\\\\[/.test("
                                "document.querySelector('main')?.innerText ?? '')")
        math = page.locator("span.math, div.math").count()
        if math:
            page.evaluate("async () => { await window.MathJax.startup.promise; }")
            raw = page.evaluate("() => [...document.querySelectorAll('span.math, div.math')]"
                                ".filter(e => !e.querySelector('mjx-container')).length")
            if raw:
                problems.append(f"{name}: {raw} of {math} formulas not typeset")
        elif has_tex:
            problems.append(f"{name}: raw TeX delimiters in the text")
        broken = page.evaluate("() => [...document.images].filter(i => !i.complete || "
                               "i.naturalWidth === 0).map(i => i.src)")
        if broken:
            problems.append(f"{name}: images not loaded {broken[:3]}")
        for href in page.evaluate("() => [...document.querySelectorAll('a[href]')]"
                                  ".map(a => a.getAttribute('href'))"):
            target = local_target(path, href)
            if target is not None and not target.exists():
                problems.append(f"{name}: broken link {href}")
    assert not page.outside, f"requests outside the site: {page.outside[:5]}"
    assert not problems, "\n".join(problems[:20])


def test_search_finds_a_word_and_a_screenshot_is_saved(site, page):
    page.goto((site / "search.html").as_uri() + "?q=softmax")
    page.wait_for_selector("#search-results li", timeout=30_000)
    assert page.locator("#search-results li").count() >= 3
    page.goto((site / "notebooks" / "03_projection.html").as_uri())
    page.evaluate("async () => { await window.MathJax.startup.promise; }")
    shots = ROOT / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / "site-03_projection.png"))
    assert not page.outside, f"requests outside the site: {page.outside[:5]}"
