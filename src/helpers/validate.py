"""Checks at the helpers' boundary, shared by every module: the package's bad-input contract.

Each check either returns the value in the form the caller computes with (an int, a float, a
float64 or int64 array) or raises an error whose message names the parameter, says what was
given and what is expected. A wrong kind of object (a string or None where an array belongs,
a list where a vocabulary belongs, "False" for a flag) is a TypeError; an unusable value (NaN,
inf, empty, out of range, a wrong shape, a text, complex or integer-mask dtype) is a ValueError.
The checks are vectorised and meant for a function's first lines, never inside a loop.
Introduced in 01_cooccurrence.
"""

import numpy as np
import scipy.sparse as sp


def describe(value) -> str:
    """A short description of `value` for an error message (never a long repr)."""
    if isinstance(value, np.ndarray) or sp.issparse(value):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    text = text if len(text) <= 40 else f"{text[:30]}...{text[-6:]}"
    return f"{type(value).__name__} {text}"


def whole_number(value, name: str, minimum: int = 1) -> int:
    """`value` as an int when it is a whole number >= `minimum` (bools are not); else ValueError.

    numpy integers count as whole numbers.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}.")
    return int(value)


def number(value, name: str, *, above=None, minimum=None, below=None, maximum=None) -> float:
    """`value` as a finite float, optionally > `above`, >= `minimum`, < `below`, <= `maximum`.

    Python and numpy ints and floats count as numbers; bools, strings and complex numbers are
    rejected with a TypeError, NaN, ±inf and values out of range with a ValueError.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer,
                                                                    np.floating)):
        raise TypeError(f"{name} must be a real number, got {describe(value)}.")
    value = float(value)
    bounds = []
    if above is not None:
        bounds.append((value > above, f"> {above}"))
    if minimum is not None:
        bounds.append((value >= minimum, f">= {minimum}"))
    if below is not None:
        bounds.append((value < below, f"< {below}"))
    if maximum is not None:
        bounds.append((value <= maximum, f"<= {maximum}"))
    wanted = " and ".join(text for _, text in bounds)
    if not np.isfinite(value) or not all(ok for ok, _ in bounds):
        raise ValueError(f"{name} must be a finite number{' ' + wanted if wanted else ''}, "
                         f"got {value!r}.")
    return value


def positive(value, name: str) -> float:
    """`value` as a finite float > 0 (eps, x_max, learning rates); else TypeError/ValueError."""
    return number(value, name, above=0)


def flag(value, name: str) -> bool:
    """`value` as a bool when it is True or False (numpy bools too); else TypeError.

    A string such as "False" is truthy, so it is refused rather than read as True.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}.")
    return bool(value)


def text(value, name: str) -> str:
    """`value` when it is a string; else TypeError."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {describe(value)}.")
    return value


def choice(value, name: str, options) -> str:
    """`value` when it is one of `options` (strings); else TypeError or ValueError."""
    if not isinstance(value, str) or value not in options:
        error = ValueError if isinstance(value, str) else TypeError
        raise error(f"{name} must be one of {tuple(options)}, got {describe(value)}.")
    return value


def instance(value, name: str, kind, hint: str = ""):
    """`value` when it is an instance of `kind` (a class or tuple of classes); else TypeError."""
    if not isinstance(value, kind):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        wanted = " or ".join(k.__name__ for k in kinds)
        hint = f" {hint}" if hint else ""
        raise TypeError(f"{name} must be a {wanted}, got {describe(value)}.{hint}")
    return value


_NOT_ARRAYS = (str, bytes, dict, set, frozenset)


def _as_array(value, name):
    """np.asarray(value), refusing strings, mappings, None, sparse matrices and ragged lists."""
    if value is None or isinstance(value, _NOT_ARRAYS) or callable(value):
        raise TypeError(f"{name} must be an array of numbers, got {describe(value)}.")
    if sp.issparse(value):
        raise TypeError(f"{name} must be a dense array, got a sparse matrix: use {name}.toarray().")
    try:
        return np.asarray(value)
    except ValueError:
        raise ValueError(f"{name} has rows of different lengths: give a rectangular array.") \
            from None


def _check_ndim(a, name, ndim, shape):
    if ndim is None:
        return
    allowed = ndim if isinstance(ndim, tuple) else (ndim,)
    if a.ndim not in allowed:
        dims = " or ".join(f"{k}-D" for k in allowed)
        wanted = f" {shape}" if shape else ""
        raise ValueError(f"{name} must be a {dims} array{wanted}, got shape {a.shape}.")


def real_array(value, name: str, ndim=None, *, shape: str = "", finite: bool = True,
               neg_inf: bool = False, nonempty: bool = True) -> np.ndarray:
    """`value` (array or nested list) as a float64 array of real numbers.

    `ndim` is a number of dimensions or a tuple of allowed ones; `shape` names the expected
    shape in messages, e.g. "(n, d)". Non-numeric, boolean and complex dtypes are a ValueError.
    With `finite`, NaN and ±inf are a ValueError (with `neg_inf`, -inf is allowed: masked
    logits); with `nonempty`, an array without entries is a ValueError.
    """
    a = _as_array(value, name)
    if a.dtype.kind == "c":
        raise ValueError(f"{name} must hold real numbers, got complex dtype {a.dtype}: take "
                        f"{name}.real or abs({name}) if that is what you mean.")
    if a.dtype.kind not in "iuf":
        hint = f" (use {name}.astype(float) for 0/1 values)" if a.dtype.kind == "b" else ""
        raise ValueError(f"{name} must hold numbers, got {describe(a)}{hint}.")
    _check_ndim(a, name, ndim, shape)
    if nonempty and a.size == 0:
        raise ValueError(f"{name} is empty (shape {a.shape}): give at least one entry.")
    a = a.astype(float, copy=False)
    if finite and not np.isfinite(a).all():  # one pass when all is well
        bad = np.isnan(a) | (np.isposinf(a) if neg_inf else np.isinf(a))
        if bad.any():
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            allowed = " (-inf is allowed: it masks an entry)" if neg_inf else ""
            raise ValueError(f"{name} must be finite{allowed}, got {a[where]} at index "
                             f"{where if a.ndim != 1 else where[0]}.")
    return a


def id_array(value, name: str, size: int, ndim=1, nonempty: bool = True) -> np.ndarray:
    """`value` as an int64 array of ids in 0..size-1 (e.g. token ids, with size |V|)."""
    a = _as_array(value, name)
    _check_ndim(a, name, ndim, "")
    if nonempty and a.size == 0:
        raise ValueError(f"{name} is empty: give at least one id.")
    if a.size and a.dtype.kind not in "iu":
        raise ValueError(f"{name} must be whole numbers (ids), got {describe(a)}: encode words "
                         "with Vocabulary.encode first.")
    if a.size and (a.min() < 0 or a.max() >= size):
        raise ValueError(f"{name} must lie in 0..{size - 1}, got {a.min()}..{a.max()}.")
    return a.astype(np.int64)


def labels(value, name: str, length=None) -> np.ndarray:
    """`value` as a non-empty 1-D int64 array of group labels (any sign, e.g. offsets δ).

    Floats holding whole numbers count as labels; `length` requires that many labels.
    """
    a = _as_array(value, name)
    _check_ndim(a, name, 1, "")
    if a.size == 0:
        raise ValueError(f"{name} is empty: give one label per item.")
    if a.dtype.kind == "f" and np.isfinite(a).all() and (a == np.round(a)).all():
        a = a.astype(np.int64)
    if a.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold whole-number labels, got {describe(a)}.")
    if length is not None and a.size != length:
        raise ValueError(f"{name} must hold one label per item ({length}), got {a.size}.")
    return a.astype(np.int64, copy=False)


def function(value, name: str, takes: str) -> object:
    """`value` when it can be called; else TypeError saying what it should take and return."""
    if not callable(value):
        raise TypeError(f"{name} must be a function {takes}, got {describe(value)}.")
    return value


def id_documents(docs, name: str, size=None) -> list:
    """`docs` (a list of 1-D id arrays) as a list of int64 arrays; ids in 0..size-1 if given.

    One (n,) integer array counts as one document. Documents may be empty, not all of them.
    """
    if isinstance(docs, np.ndarray) and docs.ndim == 1 and docs.dtype.kind in "iu":
        docs = [docs]
    if docs is None or isinstance(docs, _NOT_ARRAYS) or not hasattr(docs, "__iter__"):
        raise TypeError(f"{name} must be a list of token-id arrays (documents), got "
                        f"{describe(docs)}.")
    out = [id_array(d, f"{name}[{k}]", np.iinfo(np.int64).max if size is None else size,
                    nonempty=False) for k, d in enumerate(docs)]
    if sum(d.size for d in out) == 0:
        raise ValueError(f"{name} holds no token ids: give at least one non-empty document.")
    return out


def counts(X, name: str = "X", square: bool = True):

    """Co-occurrence counts: a real, finite, non-negative, non-empty matrix, dense or sparse.

    Returns a float64 ndarray or a float64 CSR matrix (validated on its stored values only,
    O(nnz)). `square` requires (|V|, |V|).
    """
    if sp.issparse(X):
        if X.dtype.kind not in "biuf":
            raise ValueError(f"{name} must hold real counts (numbers), got dtype {X.dtype}.")
        X = sp.csr_matrix(X, dtype=float)
        values = X.data
    else:
        X = real_array(X, name, 2, shape="(|V|, |V|)", finite=False)
        values = X
    if X.ndim != 2 or 0 in X.shape or (square and X.shape[0] != X.shape[1]):
        wanted = "a non-empty square (|V|, |V|)" if square else "a non-empty 2-D"
        raise ValueError(f"{name} must be {wanted} count matrix, got shape {X.shape}.")
    lowest, highest = (values.min(), values.max()) if values.size else (0.0, 0.0)
    if not -np.inf < lowest <= highest < np.inf:  # NaN fails every comparison
        raise ValueError(f"{name} must be finite counts, got NaN or inf entries (pass counts X, "
                         "not log X).")
    if lowest < 0:
        raise ValueError(f"{name} must be non-negative counts, got a negative entry "
                         f"({values.min():g}): pass counts X, not log X or PMI.")
    return X


def additive_mask(mask, name: str, shape) -> np.ndarray:
    """An attention mask as an additive float mask broadcastable to `shape` (..., n_q, n_kv).

    The rule: a boolean mask (True = may attend) becomes 0 / -inf; a float mask is an additive
    log-mask (0 and -inf, or any finite log-prior) and is used as it is. An integer mask, and
    a float mask holding only 0 and 1 with some 1s, are refused: adding them to the scores
    would shift logits by 1 instead of masking. Use mask.astype(bool), or np.log(mask).
    """
    m = _as_array(mask, name)
    if m.shape not in (tuple(shape), tuple(shape[-2:])):
        raise ValueError(f"{name} has shape {m.shape} but the scores have shape {tuple(shape)}.")
    if m.dtype == bool:
        return np.where(m, 0.0, -np.inf)
    fix = (f"use a boolean mask ({name}.astype(bool), True = may attend) or an additive "
           f"log-mask (0 where allowed, -inf where masked, e.g. np.log({name}))")
    if m.dtype.kind in "iu":
        raise ValueError(f"{name} holds integers ({describe(m)}): {fix}.")

    m = real_array(m, name, finite=True, neg_inf=True, nonempty=False)
    if m.size and np.isin(m, (0.0, 1.0)).all() and (m == 1.0).any():
        raise ValueError(f"{name} holds only 0s and 1s, which would be added to the scores as "
                         f"logits: {fix}.")
    return m


def sizes_agree(size_a: int, what_a: str, size_b: int, what_b: str) -> None:
    """ValueError unless two sizes agree; `what_a`, `what_b` name them with their parameter.

    For example `sizes_agree(len(gamma), "gamma's length", X.shape[-1], "the width of X")`.
    """
    if size_a != size_b:
        raise ValueError(f"{what_a} ({size_a}) must equal {what_b} ({size_b}).")
