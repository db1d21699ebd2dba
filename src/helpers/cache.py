"""Where the course keeps what it computes once: trained vectors and downloaded corpora.

The folder is `.cache/` at the repository root (ignored by git), or the folder named by the
environment variable ATTENTION_COURSE_CACHE. Nothing is written anywhere else. Deleting it is
always safe: everything in it is rebuilt on demand.

`cached` makes results that cannot go stale: a file's name is a hash of everything that made
it (the parameters, a fingerprint of the data, the source of the producing modules and the
cache FORMAT), so changing any of them makes a new file and the old one is never read again.
"""

import hashlib
import os
import tempfile
import types
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .validate import describe

ENV_VAR = "ATTENTION_COURSE_CACHE"
FORMAT = 1  # raise when what `cached` writes changes shape
_REPO_ROOT = Path(__file__).resolve().parents[2]


def cache_dir() -> Path:
    """The cache folder, created on first use."""
    path = Path(os.environ.get(ENV_VAR, _REPO_ROOT / ".cache"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def fingerprint(value) -> str:
    """A SHA-256 hex digest of `value`'s content: arrays (dtype, shape and bytes), scipy sparse
    matrices (their CSR form), str, numbers, None, and tuples, lists and dicts of these.

    Any such value is content, so empty containers, empty arrays and arrays holding NaN, inf,
    complex numbers or text all have a digest. Any other object (a function, a set, a
    vocabulary) is a TypeError naming where in `value` it sits.
    """
    digest = hashlib.sha256()
    _feed(digest, value, "value")
    return digest.hexdigest()


def code_version(*modules) -> str:
    """A hex digest of the modules' source files and FORMAT: it changes whenever one does."""
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    for module in modules:
        digest.update(module.__name__.encode())
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def cached(name: str, params: dict, compute, producers=()) -> dict:
    """Arrays made by `compute()` for these `params`, from the cache when present.

    `params` holds every input (values as `fingerprint` accepts: pass big data as its
    fingerprint); `producers` are the modules whose code makes the result. `compute()` returns
    a dict of arrays, saved as `<name>-<key>.npz` and returned as loaded (a dict of arrays).
    The file is written to a temporary name and then renamed, so a notebook running at the same
    time never reads half a file. Introduced in 02_glove.

    Bad input is refused before anything is read or computed: `name` must be a non-empty
    string usable as a file name (no path separators, not starting with "."), `params` a dict
    of fingerprintable values (empty when the result depends on the code alone), `compute` a
    function, `producers` a list or tuple of modules (empty: no code enters the key). A
    `compute()` that does not return a dict is a TypeError naming compute.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string (the cache file's prefix), got {describe(name)}.")
    if not name or name.startswith(".") or any(sep in name for sep in ("/", "\\", os.sep)):
        raise ValueError(f"name must be a non-empty file name without path separators that "
                         f"does not start with '.', got {name!r}.")
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of the inputs, got {type(params).__name__}.")
    if not callable(compute):
        raise TypeError(f"compute must be a function returning a dict of arrays, got "
                        f"{describe(compute)}.")
    if not isinstance(producers, (tuple, list)) or not all(
            isinstance(m, types.ModuleType) for m in producers):
        raise TypeError(f"producers must be a tuple of the modules whose code makes the result, "
                        f"got {describe(producers)}.")
    digest = hashlib.sha256(b"tuple 3")  # the fingerprint of (name, params, code version)
    for part, where in ((name, "name"), (params, "params"), (code_version(*producers), "")):
        _feed(digest, part, where)
    key = digest.hexdigest()[:24]
    path = cache_dir() / f"{name}-{key}.npz"
    if path.exists():
        with np.load(path) as f:
            return {k: f[k] for k in f.files}
    result = compute()
    if not isinstance(result, dict):
        raise TypeError(f"compute() must return a dict of arrays, got {type(result).__name__}.")
    arrays = {k: np.asarray(v) for k, v in result.items()}
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".npz")
    try:
        with os.fdopen(handle, "wb") as f:
            np.savez(f, **arrays)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return arrays


def _feed(digest, value, where):
    """Add `value` to the running hash `digest`, tagged by type so that 1 and "1" differ.

    `where` names the value in an error message, e.g. "params['X'][0]".
    """
    if sp.issparse(value):
        value = sp.csr_matrix(value)
        _feed(digest, ("sparse", value.shape, value.indptr, value.indices, value.data), where)
    elif isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise TypeError(f"{where} is an object array, which cannot be fingerprinted: pass "
                            "an array of numbers or strings.")
        array = np.ascontiguousarray(value)
        digest.update(f"array {array.dtype.str} {array.shape}".encode())
        digest.update(array.tobytes())
    elif isinstance(value, (tuple, list)):
        digest.update(f"{type(value).__name__} {len(value)}".encode())
        for i, item in enumerate(value):
            _feed(digest, item, f"{where}[{i}]")
    elif isinstance(value, dict):
        digest.update(f"dict {len(value)}".encode())
        for k in sorted(value, key=str):
            _feed(digest, str(k), where)
            _feed(digest, value[k], f"{where}[{k!r}]")
    elif value is None or isinstance(value, (str, bool, int, float, np.generic)):
        digest.update(f"{type(value).__name__} {value!r}|".encode())
    else:
        raise TypeError(f"Cannot fingerprint {where} (of type {type(value).__name__}): pass "
                        "arrays, numbers or strings (or their tuples, lists and dicts).")
