"""The cache: keys hold parameters, data and the producing code's version; writes are atomic."""

import importlib.util

import numpy as np
import pytest
import scipy.sparse as sp

from helpers import cache, data, glove


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    return tmp_path / "cache"


def _module(path, source):
    """A producer module loaded from `path`, holding `source`."""
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Counter:
    """compute() for `cached` that counts its calls and returns {"value": its argument}."""

    def __init__(self):
        self.calls = 0

    def __call__(self, value):
        def compute():
            self.calls += 1
            return {"value": np.array(value)}
        return compute


def test_a_second_call_loads_the_file(folder):
    compute = Counter()
    first = cache.cached("thing", {"n": 3}, compute(1.5))
    second = cache.cached("thing", {"n": 3}, compute(99.0))
    assert compute.calls == 1 and first["value"] == second["value"] == 1.5
    assert [p.name.startswith("thing-") for p in folder.iterdir()] == [True]  # no temp files


def test_a_new_code_version_does_not_read_the_old_file(folder, tmp_path):
    compute = Counter()
    producer = _module(tmp_path / "producer.py", "VERSION = 1\n")
    old = cache.cached("fit", {"n": 3}, compute(1.0), producers=(producer,))
    producer = _module(tmp_path / "producer.py", "VERSION = 2\n")
    new = cache.cached("fit", {"n": 3}, compute(2.0), producers=(producer,))
    assert compute.calls == 2 and old["value"] == 1.0 and new["value"] == 2.0
    assert len(list(folder.glob("fit-*.npz"))) == 2


def test_the_format_number_is_part_of_the_version(folder, monkeypatch):
    compute = Counter()
    cache.cached("fit", {}, compute(1.0), producers=(cache,))
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1)
    assert cache.cached("fit", {}, compute(2.0), producers=(cache,))["value"] == 2.0
    assert compute.calls == 2


def test_parameters_and_data_change_the_key(folder):
    compute = Counter()
    X = sp.random(5, 5, density=0.5, random_state=0, format="csr")
    cache.cached("fit", {"counts": cache.fingerprint(X), "d": 2}, compute(1.0))
    cache.cached("fit", {"counts": cache.fingerprint(X), "d": 3}, compute(2.0))
    Y = X.copy()
    Y.data[0] += 1
    cache.cached("fit", {"counts": cache.fingerprint(Y), "d": 2}, compute(3.0))
    assert compute.calls == 3


def test_fingerprint_sees_content_and_type():
    f = cache.fingerprint
    a = np.arange(6.0)
    assert f(a) == f(a.copy()) and f(a) != f(a.reshape(2, 3)) and f(a) != f(a.astype(np.float32))
    assert f(sp.csr_matrix(a.reshape(2, 3))) == f(sp.coo_matrix(a.reshape(2, 3)))
    assert f(1) != f("1") and f((1, 2)) != f([1, 2]) and f({"a": 1, "b": 2}) == f({"b": 2, "a": 1})
    with pytest.raises(TypeError, match="fingerprint"):
        f(object())
    with pytest.raises(TypeError, match="params"):
        cache.cached("fit", [1], lambda: {})


def test_lee_glove_key_follows_the_trainer_source(folder, monkeypatch):
    fit = data.lee_glove(x_max=10.0, epochs=2)
    assert len(list(folder.glob("glove-lee-both-*.npz"))) == 1
    assert np.array_equal(data.lee_glove(x_max=10.0, epochs=2).W, fit.W)
    real = cache.code_version
    monkeypatch.setattr(cache, "code_version", lambda *m: real(*m) + ("-edited" if glove in m
                                                                      else ""))
    data.lee_glove(x_max=10.0, epochs=2)
    assert len(list(folder.glob("glove-lee-both-*.npz"))) == 2


def test_word2vec_key_holds_gensim_version_and_tokens(monkeypatch):
    import gensim

    from helpers import evaluate

    seen = []

    def record(name, params, compute, producers=()):
        seen.append((name, params, producers))
        return {"vectors": np.zeros((len(params["words"]), params["dim"]))}

    monkeypatch.setattr(cache, "cached", record)
    evaluate.word2vec_vectors(data.lee(), dim=4)
    name, params, producers = seen[0]
    assert name == "word2vec" and params["gensim"] == gensim.__version__
    assert len(params["docs"]) == len(data.lee().docs) and evaluate in producers
