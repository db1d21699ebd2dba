"""README's first command: `python3 course.py lab` starts JupyterLab (as root too, with
--allow-root) without pip when .venv is up to date, on 127.0.0.1, behind a token."""

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_course():
    spec = importlib.util.spec_from_file_location("course_script", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fake_env(tmp_path, monkeypatch):
    """course.py with a fake venv in tmp_path whose pip calls are recorded, not run."""
    course = load_course()
    env = tmp_path / "venv"
    python = env / course.PYTHON.relative_to(course.VENV)
    python.parent.mkdir(parents=True)
    python.touch()
    calls = []
    monkeypatch.setattr(course, "run", lambda *args, **kw: calls.append(args))
    return course, env, calls


def test_pip_runs_once_then_is_skipped(fake_env, capsys):
    course, env, calls = fake_env
    course.ensure_venv("requirements-dev.txt", env_dir=env)
    assert any("requirements-dev.txt" in map(str, call) for call in calls)
    stamps = json.loads((env / course.STAMP).read_text())
    assert {"requirements-dev.txt", "requirements.txt"} <= set(stamps)  # -r include stamped too
    calls.clear()
    course.ensure_venv("requirements.txt", env_dir=env)        # what `lab` needs: already there
    course.ensure_venv("requirements-dev.txt", env_dir=env)
    assert calls == [] and "pip skipped" in capsys.readouterr().out


def test_changed_requirements_reinstall(fake_env):
    course, env, calls = fake_env
    course.ensure_venv("requirements.txt", env_dir=env)
    stamps = json.loads((env / course.STAMP).read_text())
    (env / course.STAMP).write_text(json.dumps({**stamps, "requirements.txt": "old"}))
    calls.clear()
    course.ensure_venv("requirements.txt", env_dir=env)
    assert any("requirements.txt" in map(str, call) for call in calls)


def test_fingerprint_covers_includes_and_pyproject():
    course = load_course()
    assert course.included_files("requirements-dev.txt") == ["requirements-dev.txt",
                                                             "requirements.txt"]
    assert course.fingerprint("requirements.txt") != course.fingerprint("requirements-dev.txt")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def test_lab_starts_offline_and_requires_a_token(tmp_path):
    course = load_course()
    stamp = course.VENV / course.STAMP
    current = stamp.exists() and json.loads(stamp.read_text()).get(
        "requirements.txt") == course.fingerprint("requirements.txt")
    if not current:
        pytest.skip(".venv has no current stamp for requirements.txt: run python3 course.py "
                    "test (or lab) once, as .ci/run does")
    port = free_port()
    runtime = tmp_path / "runtime"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces")}
    (tmp_path / "root").mkdir()
    python3 = shutil.which("python3") or sys.executable
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(
        [python3, "course.py", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--ServerApp.root_dir={tmp_path / 'root'}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while status(f"{base}/api/status") is None and time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "lab.log").read_text()[-3000:]
            time.sleep(0.5)
        servers = list(runtime.glob("jpserver-*.json"))
        assert servers, (tmp_path / "lab.log").read_text()[-3000:]
        token = json.loads(servers[0].read_text())["token"]
        assert token
        assert status(f"{base}/api/contents") == 403
        assert status(f"{base}/api/contents?token={token}") == 200
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)   # the group started above: course.py, jupyter
            proc.wait(timeout=30)
        log.close()
    output = (tmp_path / "lab.log").read_text()
    assert "pip skipped" in output and "pip install" not in output
    if os.geteuid() == 0:
        assert "Running as root: passing --allow-root" in output
