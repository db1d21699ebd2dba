"""The course in a real browser: JupyterLab driven by headless Chromium through Playwright.

For every notebook in notebooks/ (found at collection time, so new sessions are covered): open
it in a fresh JupyterLab, clear the outputs, Run All Cells from the menu, wait for the kernel,
check that every code cell ran and none shows an error, move a control of every explorer and
wait for its picture to change, and save screenshots under screenshots/ (gitignored).

Needs Debian's `chromium` on PATH and the `playwright` package (Playwright's own browser
download is not used). Without them the test is skipped with a message, unless the environment
sets COURSE_REQUIRE_BROWSER=1 (as .ci/run does), which turns the skip into a failure.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SCREENSHOTS = ROOT / "screenshots"
REQUIRED = os.environ.get("COURSE_REQUIRE_BROWSER") == "1"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
SETTINGS = {  # fresh JupyterLab settings: render every cell, no news or update pop-ups
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
}
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on screen, not a background tab
EXPLORER = f"{PANEL} .jp-OutputArea-output .widget-vbox:has(> img.widget-image)"
RUN_TIMEOUT_S = 240


def chromium_path():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing_browser() -> str | None:
    """Why the browser test cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -r requirements-dev.txt)"
    if chromium_path() is None:
        return "no chromium on PATH (Debian/Ubuntu: apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser_or_skip():
    reason = missing_browser()
    if reason is not None:
        message = f"browser test not run: {reason}"
        if REQUIRED:
            pytest.fail(f"{message}; COURSE_REQUIRE_BROWSER=1 requires it")
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Lab:
    """A JupyterLab server on 127.0.0.1 over a temporary copy of the notebooks."""

    def __init__(self, base: Path):
        self.root = base / "root"
        self.root.mkdir()
        for notebook in NOTEBOOKS:
            shutil.copy(notebook, self.root / notebook.name)
        settings = base / "settings"
        for name, values in SETTINGS.items():
            path = settings / f"{name}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        self.token = os.urandom(16).hex()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}
        for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
            env[var] = str(base / var.lower())
        command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
                   f"--port={self.port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
                   f"--LabApp.user_settings_dir={settings}",
                   f"--LabApp.workspaces_dir={base / 'workspaces'}",
                   "--ServerApp.terminals_enabled=False"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        self.log = open(base / "server.log", "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT,
                                        env=env, cwd=self.root)
        self.wait_ready()

    def api(self, path, method="GET"):
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def wait_ready(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited; see {self.log.name}")
            try:
                self.api("/api/status")
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not answer within {timeout} s; see {self.log.name}")

    def kernel_state(self, name) -> str | None:
        for session in self.api("/api/sessions"):
            if session["path"] == name:
                return session["kernel"]["execution_state"]
        return None

    def shutdown_kernels(self):
        for session in self.api("/api/sessions"):
            self.api(f"/api/sessions/{session['id']}", method="DELETE")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def lab(browser_or_skip):
    with tempfile.TemporaryDirectory(prefix="course-lab-") as base:
        server = Lab(Path(base))
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(),
                                              args=CHROMIUM_FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def menu(page, top, item):
    """Click a JupyterLab main-menu entry, e.g. menu(page, "Run", "Run All Cells")."""
    page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
    entry = page.locator(".lm-Menu-content > .lm-Menu-item:visible").filter(
        has=page.locator(".lm-Menu-itemLabel", has_text=item)
    )
    for index in range(entry.count()):
        label = entry.nth(index).locator(".lm-Menu-itemLabel").inner_text().strip()
        if label == item:
            entry.nth(index).click()
            return
    raise AssertionError(f"no menu entry {top} > {item}")


def open_notebook(page, lab, name):
    # ?reset: a blank workspace, so only this notebook is open (no tabs from the last test)
    page.goto(f"{lab.url}/lab/tree/{name}?reset&token={lab.token}",
              wait_until="domcontentloaded")
    page.locator(f"{PANEL} .jp-Notebook").first.wait_for(timeout=60_000)
    # The toolbar can say idle before the kernel exists: ask the server first.
    wait_until(lambda: lab.kernel_state(name) == "idle", 90, f"the kernel of {name}")
    page.locator(f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(
        timeout=30_000
    )


def run_all(page, lab, path: Path) -> nbformat.NotebookNode:
    """Clear outputs, Run All Cells, wait, save; return the notebook as saved by the browser."""
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(
        f"() => document.querySelectorAll('{PANEL} .jp-OutputArea-output').length === 0"
    )
    menu(page, "Run", "Run All Cells")
    time.sleep(1.0)
    wait_until(lambda: page.locator(f"{PANEL} .jp-InputPrompt", has_text="[*]").count() == 0
               and lab.kernel_state(path.name) == "idle", RUN_TIMEOUT_S, f"{path.name} to run")
    modified = path.stat().st_mtime
    menu(page, "File", "Save Notebook")
    wait_until(lambda: path.stat().st_mtime != modified, 30, f"{path.name} to be saved")
    time.sleep(0.5)  # let the write finish
    return nbformat.read(path, as_version=4)


def check_ran_without_errors(notebook, name):
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        errors = [out for out in cell.outputs if out.output_type == "error"]
        assert not errors, (f"{name} cell {index} shows {errors[0].ename}: "
                            f"{errors[0].evalue}\n{cell.source[:300]}")
        assert cell.execution_count is not None, f"{name} cell {index} did not run"


def explorer_outputs(notebook) -> int:
    """How many outputs display an Explorer (its text/plain starts with "[interactive]")."""
    return sum("application/vnd.jupyter.widget-view+json" in out.get("data", {})
               and out["data"].get("text/plain", "").startswith("[interactive]")
               for cell in notebook.cells if cell.cell_type == "code"
               for out in cell.outputs)


def image_changed(page, image, old, timeout_ms=20_000) -> bool:
    try:
        page.wait_for_function("([el, old]) => el.src && el.src !== old", arg=[image, old],
                               timeout=timeout_ms)
        return True
    except Exception:  # playwright's TimeoutError: this control did not redraw
        return False


def move_a_control(page, panel, title) -> str:
    """Change one control of an explorer panel; return what was done once its image changed."""
    image = panel.locator(":scope > img.widget-image").element_handle()
    attempts = []
    for index in range(panel.locator(".noUi-handle").count()):
        handle = panel.locator(".noUi-handle").nth(index)
        for key in ("ArrowRight", "ArrowLeft"):
            attempts.append((f"slider {index} {key}", lambda h=handle, k=key: (h.focus(),
                                                                              h.press(k))))
    for index in range(panel.locator("select").count()):
        select = panel.locator("select").nth(index)
        values = select.locator("option").evaluate_all("options => options.map(o => o.value)")
        current = select.input_value()
        others = [value for value in values if value != current]
        if others:
            attempts.append((f"dropdown {index} -> {others[0]}",
                             lambda s=select, v=others[0]: s.select_option(v)))
    for index in range(panel.locator(".widget-toggle-buttons").count()):
        group = panel.locator(".widget-toggle-buttons").nth(index)
        idle = group.locator("button:not(.mod-active)")
        if idle.count():
            attempts.append((f"toggle buttons {index}", lambda b=idle.first: b.click()))
    for index in range(panel.locator("input[type=checkbox]").count()):
        box = panel.locator("input[type=checkbox]").nth(index)
        attempts.append((f"checkbox {index}", lambda b=box: b.click()))
    for index in range(panel.locator("input[type=text], textarea").count()):
        box = panel.locator("input[type=text], textarea").nth(index)
        words = box.input_value().split()
        if len(words) > 1:  # a shorter sentence is still a sentence
            shorter = " ".join(words[:-1])
            attempts.append((f"text {index} without its last word",
                             lambda b=box, t=shorter: (b.fill(t), b.press("Enter"))))
    assert attempts, f"explorer {title!r} has no control this test knows how to move"
    for label, action in attempts:
        old = image.get_attribute("src")
        action()
        if image_changed(page, image, old, timeout_ms=15_000):
            page.wait_for_timeout(300)
            assert not panel.locator(".widget-html", has_text="Traceback").count()
            return label
    raise AssertionError(f"explorer {title!r}: no control changed its picture "
                         f"(tried {', '.join(label for label, _ in attempts)})")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_in_browser(notebook, lab, browser):
    if notebook.name.startswith("08_"):
        from helpers.real_model import EXTRA_HINT, missing_extra

        if missing_extra() is not None:
            pytest.skip(f"notebook 08 needs the real-model extra: {EXTRA_HINT}")
    SCREENSHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        open_notebook(page, lab, notebook.name)
        executed = run_all(page, lab, lab.root / notebook.name)
        check_ran_without_errors(executed, notebook.name)
        failed = page.locator(f"{PANEL} .jp-OutputArea-output", has_text="Error displaying widget")
        assert failed.count() == 0, f"{notebook.name}: a widget failed to display"
        panels = page.locator(EXPLORER)
        expected = explorer_outputs(executed)
        assert panels.count() >= expected, (
            f"{notebook.name}: {expected} explorer outputs but {panels.count()} panels on screen")
        if panels.count():  # the overview shows the first explorer, after Run All
            panels.first.scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / f"{notebook.stem}.png")
        for index in range(panels.count()):
            panel = panels.nth(index)
            panel.scroll_into_view_if_needed()
            title = panel.locator(":scope > .widget-html").first.inner_text()
            move_a_control(page, panel, title)
            panel.screenshot(path=SCREENSHOTS / f"{notebook.stem}_explorer{index + 1}.png")
        assert not problems, f"{notebook.name}: JavaScript errors: {problems[:3]}"
    except Exception:
        page.screenshot(path=SCREENSHOTS / f"{notebook.stem}_FAILED.png")
        raise
    finally:
        page.close()
        lab.shutdown_kernels()
