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
from pathlib import Path

import numpy as np
import scipy.sparse as sp

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
    matrices (their CSR form), str, numbers, None, and tuples, lists and dicts of these."""
    digest = hashlib.sha256()
    _feed(digest, value)
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
    """
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of the inputs, got {type(params).__name__}.")
    key = fingerprint((name, params, code_version(*producers)))[:24]
    path = cache_dir() / f"{name}-{key}.npz"
    if path.exists():
        with np.load(path) as f:
            return {k: f[k] for k in f.files}
    arrays = {k: np.asarray(v) for k, v in compute().items()}
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".npz")
    try:
        with os.fdopen(handle, "wb") as f:
            np.savez(f, **arrays)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return arrays


def _feed(digest, value):
    """Add `value` to the running hash `digest`, tagged by type so that 1 and "1" differ."""
    if sp.issparse(value):
        value = sp.csr_matrix(value)
        _feed(digest, ("sparse", value.shape, value.indptr, value.indices, value.data))
    elif isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        digest.update(f"array {array.dtype.str} {array.shape}".encode())
        digest.update(array.tobytes())
    elif isinstance(value, (tuple, list)):
        digest.update(f"{type(value).__name__} {len(value)}".encode())
        for item in value:
            _feed(digest, item)
    elif isinstance(value, dict):
        digest.update(f"dict {len(value)}".encode())
        for k in sorted(value, key=str):
            _feed(digest, str(k))
            _feed(digest, value[k])
    elif value is None or isinstance(value, (str, bool, int, float, np.generic)):
        digest.update(f"{type(value).__name__} {value!r}|".encode())
    else:
        raise TypeError(f"Cannot fingerprint a {type(value).__name__}: pass arrays, numbers "
                        "or strings (or their tuples, lists and dicts).")
