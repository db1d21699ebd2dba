"""The text8 fetcher against a small zip served from 127.0.0.1 (never the internet)."""

import hashlib
import http.server
import io
import threading
import zipfile
from collections import Counter
from functools import partial

import numpy as np
import pytest

from helpers import cache, corpus

TEXT = "the cat sat on the mat and the dog sat on the log " * 40 + "anarchism"


def _zip_bytes(name="text8", text=TEXT):
    """The same bytes on every call: a fixed timestamp (writestr would stamp the current second)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


@pytest.fixture
def server(tmp_path, monkeypatch):
    """Serve tmp_path/www over HTTP on 127.0.0.1; the course cache goes to tmp_path/cache."""
    www = tmp_path / "www"
    www.mkdir()
    (www / "text8.zip").write_bytes(_zip_bytes())
    (www / "two.zip").write_bytes(_zip_bytes(name="other"))
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(www))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", www
    httpd.shutdown()
    httpd.server_close()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_downloads_verifies_and_caches(server, tmp_path):
    base, www = server
    sha = _sha(_zip_bytes())
    vocab, ids = corpus.text8(min_count=1, url=f"{base}/text8.zip", sha256=sha, chunk_chars=37)
    tokens = TEXT.split()
    assert len(ids) == len(tokens)
    assert vocab.decode(ids) == tokens
    assert dict(zip(vocab.words, vocab.counts.tolist(), strict=True)) == Counter(tokens)
    assert (tmp_path / "cache" / "text8.zip").exists()
    (www / "text8.zip").unlink()                  # a second call must not need the server
    again, ids_again = corpus.text8(min_count=1, url=f"{base}/text8.zip", sha256=sha)
    assert again.words == vocab.words and np.array_equal(ids_again, ids)


def test_min_count_drops_rare_words(server):
    base, _ = server
    vocab, ids = corpus.text8(min_count=2, url=f"{base}/text8.zip", sha256=_sha(_zip_bytes()))
    assert "anarchism" not in vocab and "the" in vocab
    assert len(ids) == len(TEXT.split()) - 1
    assert vocab.words[0] == "the"


def test_chunking_does_not_change_the_result(server):
    base, _ = server
    sha = _sha(_zip_bytes())
    small = corpus.text8(min_count=1, url=f"{base}/text8.zip", sha256=sha, chunk_chars=5)
    large = corpus.text8(min_count=1, url=f"{base}/text8.zip", sha256=sha, chunk_chars=10**6)
    assert small[0].words == large[0].words and np.array_equal(small[1], large[1])


def test_wrong_checksum_keeps_nothing(server, tmp_path):
    base, _ = server
    with pytest.raises(ValueError, match="SHA-256"):
        corpus.text8_path(url=f"{base}/text8.zip", sha256="0" * 64)
    assert not any((tmp_path / "cache").iterdir())


def test_offline_gives_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    import socket
    with socket.socket() as probe:                # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ValueError, match="Could not download text8.*by hand"):
        corpus.text8_path(url=f"http://127.0.0.1:{port}/text8.zip", timeout=5)
    assert not any((tmp_path / "cache").iterdir())


def test_archive_must_hold_text8(server):
    base, _ = server
    with pytest.raises(ValueError, match="one file 'text8'"):
        corpus.text8(url=f"{base}/two.zip", sha256=_sha(_zip_bytes(name="other")))


def test_bad_min_count():
    with pytest.raises(ValueError, match="min_count"):
        corpus.text8(min_count=0)
