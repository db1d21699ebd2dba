"""Several relations as several heads, and cross-attention between two languages.

Introduced in 06_heads. Two relations are measured on the same corpus: a local one (words
adjacent to each other, δ = 1 counts in either direction) and a topical one (two tokens of the
same document, at any distance). Each relation r gives a restricted conditional
rownorm(O S⁽ʳ⁾ Oᵀ) for a sequence, the target its own head should reproduce. Before softmax
the heads' projections add up linearly; after softmax they do not, which is what the
comparison "two heads against one head on the summed operator" measures.

The relations can also be recovered from the data instead of assumed: `pair_offset_counts`
lists every ordered pair's counts at offsets δ = 1..K, `nonnegative_factors` splits the log counts
into components with an offset profile each, `component_counts` splits each pair's counts
among them, and `component_operators` turns the components back into operators S⁽ʳ⁾ that
add up to the windowed counts.

Cross-attention uses a small English–German parallel corpus written for the course: the
rectangular cross co-occurrence operator, and IBM Model 1, whose translation table restricted
to a sentence pair and softmaxed in log space is exactly Model 1's alignment posterior.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from . import cooccurrence, corpus, data, validate
from .attention import softmax
from .projection import kl_rows, restricted_conditional  # noqa: F401 (heads.kl_rows in 06)
from .validate import counts, id_array, id_documents, number, positive, real_array, whole_number

RELATIONS = ("local", "topical")

PARALLEL_PAIRS = (
    ("the house is small", "das haus ist klein"),
    ("the house is old", "das haus ist alt"),
    ("the book is small", "das buch ist klein"),
    ("a book", "ein buch"),
    ("a house", "ein haus"),
    ("the man reads the book", "der mann liest das buch"),
    ("the woman reads a book", "die frau liest ein buch"),
    ("the man is old", "der mann ist alt"),
    ("the woman is young", "die frau ist jung"),
    ("the child reads", "das kind liest"),
    ("the child is small", "das kind ist klein"),
    ("the man sees the house", "der mann sieht das haus"),
)


def local_operator(docs, vocab_size):
    """The local relation S_local = X⁽¹⁾ + X⁽¹⁾ᵀ, a (|V|, |V|) float64 CSR matrix.

    X⁽¹⁾[u, w] counts w standing right after u (`cooccurrence.offset_counts` with δ = 1); adding
    the transpose counts adjacency in either order. Introduced in 06_heads.
    """
    vocab_size = whole_number(vocab_size, "vocab_size")
    X1 = cooccurrence.offset_counts(id_documents(docs, "docs", vocab_size), vocab_size, 1)
    return (X1 + X1.T).tocsr()


def doc_term(docs, vocab_size):
    """Document-term counts D (n_docs, |V|) as CSR: D[d, w] = occurrences of w in document d.

    Introduced in 06_heads.
    """
    vocab_size = whole_number(vocab_size, "vocab_size")
    docs = id_documents(docs, "docs", vocab_size)
    cols = np.concatenate(docs)
    rows = np.repeat(np.arange(len(docs)), [d.size for d in docs])
    return sp.csr_matrix((np.ones(cols.size), (rows, cols)), shape=(len(docs), vocab_size))


def topical_operator(docs, vocab_size):
    """The topical relation S_topic = DᵀD − diag(Σ_d D[d]), a dense (|V|, |V|) float64 array.

    S_topic[u, w] counts ordered pairs of two different token positions in one document with
    words u and w (any distance): DᵀD counts all pairs, the diagonal correction removes each
    token paired with itself. Introduced in 06_heads.
    """
    D = doc_term(docs, vocab_size)
    S = (D.T @ D).toarray()
    S[np.diag_indices(vocab_size)] -= np.asarray(D.sum(axis=0)).ravel()
    return S


def centred_log(S, eps=1.0):
    """Logits log(S + eps) with each row's mean removed, a dense (|V|, |V|) array.

    Softmax ignores a constant added along a row, so removing the row means loses nothing and
    spares a low-rank fit from spending rank on them. Introduced in 06_heads.
    """
    S = counts(S, "S")
    S = S.toarray() if sp.issparse(S) else S
    eps = positive(eps, "eps")
    L = np.log(S + eps)
    return L - L.mean(axis=1, keepdims=True)


def low_rank(L, k, seed=0, power_iterations=4):
    """(U_q, U_k), each (|V|, k), with U_q U_kᵀ close to the best rank-k approximation of L.

    A randomised SVD (Halko, Martinsson & Tropp 2011): k + 10 seeded Gaussian probes sharpened
    by power iterations, then an exact SVD of the small projected matrix; factors are split as
    U_q = U Σ^½, U_k = V Σ^½ like the truncated SVD of notebook 04. Introduced in 06_heads.
    """
    L = real_array(L, "L", 2, shape="(rows, cols)")
    whole_number(seed, "seed", minimum=0)
    power_iterations = whole_number(power_iterations, "power_iterations", minimum=0)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= min(L.shape):
        raise ValueError(f"k must be a whole number in 1..{min(L.shape)}, got {k!r}.")
    rng = np.random.default_rng(seed)
    Y = L @ rng.standard_normal((L.shape[1], min(k + 10, min(L.shape))))
    for _ in range(power_iterations):
        Y, _ = np.linalg.qr(Y)
        Y = L @ (L.T @ Y)
    basis, _ = np.linalg.qr(Y)  # (|V|, k + 10)
    U, s, Vt = np.linalg.svd(basis.T @ L, full_matrices=False)
    root = np.sqrt(s[:k])
    return (basis @ U[:, :k]) * root, Vt[:k].T * root


def chunks(docs, n):
    """Consecutive non-overlapping length-n pieces of every document, shape (m, n).

    The tail of a document shorter than n is dropped. Introduced in 06_heads.
    """
    n = whole_number(n, "n", minimum=2)
    pieces = [d[: len(d) // n * n].reshape(-1, n) for d in id_documents(docs, "docs")]
    return np.concatenate(pieces).astype(np.int64)


def mix(S_local, S_topic, alpha):
    """One operator blending the two relations: (1 − α) S_local + α S_topic · (N_local / N_topic).

    The topical counts are rescaled to the local counts' total N, so α = 0.5 is their plain
    sum at equal mass (a constant factor only shifts every log by a constant).
    Introduced in 06_heads.
    """
    alpha = number(alpha, "alpha", minimum=0, maximum=1)
    S_local, S_topic = (_dense(counts(S, name)) for S, name in
                        ((S_local, "S_local"), (S_topic, "S_topic")))
    if S_local.shape != S_topic.shape:
        raise ValueError(f"S_local and S_topic must have the same shape, got {S_local.shape} "
                         f"and {S_topic.shape}.")
    if S_topic.sum() == 0:
        raise ValueError("S_topic is all zeros: there is no topical mass to rescale.")
    scale = S_local.sum() / S_topic.sum()
    return (1 - alpha) * S_local + alpha * scale * S_topic


def head_weights(S, seqs, rank=None, eps=1.0, seed=0):
    """One head's attention weights on the sequences `seqs` (m, n): an (m, n, n) array.

    With `rank` k the logits are U_Q[t_i] · U_K[t_j], the rank-k factors (`low_rank`) of the
    row-centred log(S + eps); with `rank` None, the full-rank logits log(S + eps) read at the
    sequence's words. Each row is softmaxed over the sequence. S (|V|, |V|) holds counts
    (finite, >= 0), seqs ids in 0..|V|-1, rank None or 1..|V|. A sequence of one token gives
    weight 1 on itself. Introduced in 06_heads.
    """
    S = counts(S, "S")
    seqs = id_array(seqs, "seqs", S.shape[0], ndim=2)
    eps = positive(eps, "eps")
    whole_number(seed, "seed", minimum=0)
    if rank is not None and not 1 <= whole_number(rank, "rank") <= S.shape[0]:
        raise ValueError(f"rank must be None or a whole number in 1..{S.shape[0]}, got {rank!r}.")
    if rank is None:
        return softmax(np.log(_dense(S) + eps)[seqs[:, :, None], seqs[:, None, :]])
    U_q, U_k = low_rank(centred_log(S, eps), rank, seed)
    return softmax(U_q[seqs] @ U_k[seqs].transpose(0, 2, 1))


def covered(S, seqs):
    """Boolean (m,): True where every word of sequence i has a partner in it under S.

    Exactly these sequences have a restricted conditional (`restricted_conditional` raises on
    the others). S (|V|, |V|) holds counts (finite, >= 0), seqs (m, n) ids in 0..|V|-1. A
    sequence of one token is covered when S[t, t] > 0. Introduced in 06_heads.
    """
    S = counts(S, "S")
    seqs = id_array(seqs, "seqs", S.shape[0], ndim=2)
    M = _dense(S)[seqs[:, :, None], seqs[:, None, :]]  # (m, n, n)
    return np.all(M.sum(axis=2) > 0, axis=1)


@dataclass(frozen=True)
class Difference:
    """mean(a − b) over paired items and its percentile bootstrap interval [low, high]."""

    mean: float
    low: float
    high: float

    def __str__(self):
        return f"{self.mean:+.3f} [{self.low:+.3f}, {self.high:+.3f}]"


def paired_bootstrap(a, b, groups=None, n_resamples=2000, level=0.95, seed=0):
    """The mean paired difference a − b with a seeded percentile bootstrap interval.

    a, b are (m,) scores of the same m items (e.g. one KL per held-out sequence). With
    `groups` (m,) labels, whole groups are resampled (sequences of one document stay
    together), and each resample's mean is its total difference over its item count.
    Returns a `Difference`. a, b are finite; groups hold whole-number labels (e.g. document
    numbers). With a single group the interval is the point [mean, mean]. Introduced in
    06_heads.
    """
    a, b = real_array(a, "a", 1, shape="(m,)"), real_array(b, "b", 1, shape="(m,)")
    validate.sizes_agree(a.size, "The length of a", b.size, "the length of b")
    if a.size < 2:
        raise ValueError(f"a and b must hold at least 2 paired scores, got {a.size}.")
    diff = a - b
    level = number(level, "level", above=0, below=1)
    whole_number(n_resamples, "n_resamples", minimum=10)
    whole_number(seed, "seed", minimum=0)
    labels = (np.arange(diff.size) if groups is None else
              np.unique(validate.labels(groups, "groups", diff.size), return_inverse=True)[1])
    totals = np.bincount(labels, weights=diff)  # (G,)
    sizes = np.bincount(labels).astype(float)
    picks = np.random.default_rng(seed).integers(0, totals.size, (n_resamples, totals.size))
    means = totals[picks].sum(axis=1) / sizes[picks].sum(axis=1)  # (n_resamples,)
    low, high = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return Difference(float(diff.mean()), float(low), float(high))


def pair_offset_counts(docs, vocab_size, max_offset=10):
    """Offset-resolved counts of every ordered pair seen within `max_offset` positions.

    Returns (pairs, G): pairs (m, 2) int64 rows (u, w) in lexicographic order, and G
    (m, max_offset) float64 with G[p, δ − 1] = X⁽δ⁾[u, w], the number of times w stands
    exactly δ positions after u in one document. Introduced in 06_heads.
    """
    whole_number(vocab_size, "vocab_size")
    whole_number(max_offset, "max_offset")
    docs = id_documents(docs, "docs", vocab_size)
    stream = np.concatenate(docs)
    if stream.size == 0:
        raise ValueError("No tokens: give at least one non-empty document.")
    if stream.min() < 0 or stream.max() >= vocab_size:
        raise ValueError(f"Token ids must lie in 0..{vocab_size - 1}; "
                         f"got {stream.min()}..{stream.max()}.")
    doc = np.repeat(np.arange(len(docs)), [d.size for d in docs])
    codes, offsets = [], []
    for delta in range(1, max_offset + 1):
        same = doc[:-delta] == doc[delta:]  # both positions in one document
        codes.append(stream[:-delta][same] * vocab_size + stream[delta:][same])
        offsets.append(np.full(int(same.sum()), delta - 1))
    unique, index = np.unique(np.concatenate(codes), return_inverse=True)
    G = np.bincount(index * max_offset + np.concatenate(offsets),
                    minlength=unique.size * max_offset).reshape(-1, max_offset)
    return np.stack(np.divmod(unique, vocab_size), axis=1), G.astype(float)


def nonnegative_factors(G, n_components, iterations=300, seed=0, profiles=None):
    """Nonnegative factors G ≈ Z Phi by Lee and Seung's multiplicative updates (least squares).

    G (m, K) ≥ 0. Returns Z (m, c) ≥ 0, the loadings, and Phi (c, K) ≥ 0, one profile per
    component scaled to sum 1 (Z carries the scale). Starts from seeded uniform numbers; each
    update multiplies by a ratio that lowers ‖G − Z Phi‖ and keeps every entry nonnegative.
    Given `profiles` (c, K), finite, >= 0, each row with a positive entry, Phi stays fixed and
    only Z is fitted. A component whose profile dies out (every entry reaches 0, e.g. when G is
    all zeros) is returned as a zero column of Z and a uniform profile 1/K. Introduced in
    06_heads.
    """
    G = real_array(G, "G", 2, shape="(m, K)")
    if G.min() < 0:
        raise ValueError(f"G must be counts >= 0, got a negative entry ({G.min():g}).")
    c = whole_number(n_components, "n_components")
    whole_number(iterations, "iterations")
    whole_number(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    Z = rng.uniform(0.1, 1.0, (G.shape[0], c))
    fixed = profiles is not None
    if fixed:
        Phi = real_array(profiles, "profiles", 2, shape=f"({c}, {G.shape[1]})").copy()
        if Phi.shape != (c, G.shape[1]) or Phi.min() < 0 or (Phi.max(axis=1) == 0).any():
            raise ValueError(f"profiles must be a ({c}, {G.shape[1]}) array >= 0 with a positive "
                             f"entry in every row (n_components rows, one column per column of "
                             f"G), got shape {Phi.shape}.")
    else:
        Phi = rng.uniform(0.1, 1.0, (c, G.shape[1]))
    tiny = 1e-12  # keeps a ratio finite where a denominator reaches 0
    for _ in range(iterations):
        Z *= (G @ Phi.T) / (Z @ (Phi @ Phi.T) + tiny)
        if not fixed:
            Phi *= (Z.T @ G) / ((Z.T @ Z) @ Phi + tiny)
    scale = Phi.sum(axis=1)
    dead = scale == 0
    if dead.any():  # a component that fits nothing: zero loadings, a uniform profile
        Z[:, dead], Phi[dead], scale[dead] = 0.0, 1.0 / G.shape[1], 1.0
    return Z * scale, Phi / scale[:, None]


def component_counts(G, Z, Phi):
    """Each pair's counts split among the components: an (m, c) array whose rows sum to G's.

    Component r's share of pair p's counts at offset δ is Z[p, r] Φ[r, δ] / Σ_r' Z[p, r'] Φ[r', δ]
    (an even split where no component reaches the cell); entry [p, r] is Σ_δ share · G[p, δ].
    G (m, K), Z (m, c), Phi (c, K) as from `nonnegative_factors`, each finite and >= 0.
    Introduced in 06_heads.
    """
    G, Z, Phi = _nonnegative(G, "G", "(m, K)"), _nonnegative(Z, "Z", "(m, c)"), \
        _nonnegative(Phi, "Phi", "(c, K)")
    if Z.shape != (G.shape[0], Phi.shape[0]) or Phi.shape[1] != G.shape[1]:
        raise ValueError(f"G (m, K), Z (m, c), Phi (c, K) do not fit: got G {G.shape}, "
                         f"Z {Z.shape}, Phi {Phi.shape}.")
    parts = Z[:, :, None] * Phi[None]  # (m, c, K)
    total = parts.sum(axis=1, keepdims=True)
    even = np.full_like(parts, 1.0 / Phi.shape[0])
    share = np.divide(parts, total, out=even, where=total > 0)
    return np.einsum("mck,mk->mc", share, G)


def component_operators(pairs, G, Z, Phi, vocab_size):
    """The operator S⁽ʳ⁾ of every component: a list of c dense symmetric (|V|, |V|) arrays.

    C⁽ʳ⁾[u, w] holds the counts of the pair (u, w) assigned to component r
    (`component_counts`), and S⁽ʳ⁾ = C⁽ʳ⁾ + C⁽ʳ⁾ᵀ counts both orders like `local_operator`.
    The shares of a cell add up to 1, so Σ_r S⁽ʳ⁾ = Σ_δ (X⁽δ⁾ + X⁽δ⁾ᵀ). pairs (m, 2) holds ids
    in 0..vocab_size-1; G, Z, Phi as in `component_counts`. Introduced in 06_heads.
    """
    vocab_size = whole_number(vocab_size, "vocab_size")
    pairs = id_array(pairs, "pairs", vocab_size, ndim=2)
    assigned = component_counts(G, Z, Phi)  # (m, c)
    if pairs.shape != (assigned.shape[0], 2):
        raise ValueError(f"pairs must be (m, 2) with one row per row of G, got {pairs.shape} "
                         f"for G with {assigned.shape[0]} rows: they do not fit.")
    cell = pairs[:, 0] * vocab_size + pairs[:, 1]
    operators = []
    for r in range(assigned.shape[1]):
        C = np.bincount(cell, weights=assigned[:, r], minlength=vocab_size ** 2)
        C = C.reshape(vocab_size, vocab_size)
        operators.append(C + C.T)
    return operators

@dataclass(frozen=True)
class Comparison:
    """Mean KL (nats) from each relation's restricted conditional, per design.

    two_heads[r]: head r (rank k each) against relation r; one_head[r]: the one head of rank
    2k on the summed operator against relation r; exact_two[r] and exact_sum[r]: the same two
    designs at full rank (no budget), where only the smoothing eps separates a head from its
    relation.
    Equal budget: two heads of rank k hold as many numbers (2 · 2|V|k) as one of rank 2k.
    """

    k: int
    two_heads: dict
    one_head: dict
    exact_two: dict
    exact_sum: dict


def compare_designs(operators, seqs, k, eps=1.0, seed=0):
    """Two heads (one per relation, rank k) against one head (rank 2k) on the summed operator.

    `operators` maps relation name -> S (|V|, |V|); `seqs` (m, n) are the sequences scored.
    Returns a `Comparison`. Introduced in 06_heads.
    """
    validate.instance(operators, "operators", dict)
    if len(operators) != 2:
        raise ValueError(f"operators must map two relation names to S, got {len(operators)}.")
    names = list(operators)
    seqs = id_array(seqs, "seqs", _dense(operators[names[0]]).shape[0], ndim=2)
    k, eps = whole_number(k, "k"), positive(eps, "eps")
    whole_number(seed, "seed", minimum=0)
    targets = {r: restricted_conditional(operators[r], seqs) for r in names}
    summed = mix(operators[names[0]], operators[names[1]], 0.5)

    def mean_kl(r, S, rank):
        return float(kl_rows(targets[r], head_weights(S, seqs, rank, eps, seed)).mean())

    return Comparison(
        k,
        {r: mean_kl(r, operators[r], k) for r in names},
        {r: mean_kl(r, summed, 2 * k) for r in names},
        {r: mean_kl(r, operators[r], None) for r in names},
        {r: mean_kl(r, summed, None) for r in names},
    )


@dataclass(frozen=True)
class Relations:
    """Two relations of one corpus as dense (|V|, |V|) counts, and low-rank head factors.

    `factors[name]` is (U_q, U_k), each (|V|, max_rank): the rank-`max_rank` factors of the
    row-centred log(S + eps) of "local", "topical" and their "sum" (`mix` at α = 0.5, the
    topical counts rescaled to the local total). The first k columns are the rank-k factors.
    """

    vocab: object
    local: np.ndarray
    topical: np.ndarray
    factors: dict


def lee_relations(counted=None, max_rank=32, eps=1.0, docs=None):
    """`Relations` for a counted corpus (default: the Lee corpus); about a second.

    `docs` (a list of id arrays) replaces the corpus's documents, e.g. to count on a training
    part only. Introduced in 06_heads; the explorers of 06 draw from it.
    """
    counted = data.lee() if counted is None else counted
    if not (hasattr(counted, "vocab") and hasattr(counted, "docs")):
        raise TypeError(f"counted must have a vocab and docs (data.lee(), data.toy()), got "
                        f"{validate.describe(counted)}.")
    max_rank = whole_number(max_rank, "max_rank")
    docs = list(counted.docs if docs is None else docs)
    V = len(counted.vocab)
    local = local_operator(docs, V).toarray()
    topical = topical_operator(docs, V)
    summed = mix(local, topical, 0.5)
    factors = {name: low_rank(centred_log(S, eps), max_rank)
               for name, S in (("local", local), ("topical", topical), ("sum", summed))}
    return Relations(counted.vocab, local, topical, factors)

def _dense(S):
    return S.toarray() if sp.issparse(S) else np.asarray(S, dtype=float)


@dataclass(frozen=True)
class Parallel:
    """A parallel corpus: source (English) and target (German) vocabularies and id arrays."""

    source_vocab: corpus.Vocabulary
    target_vocab: corpus.Vocabulary
    source: tuple
    target: tuple


def parallel_corpus(pairs=PARALLEL_PAIRS):
    """The course's English–German sentence pairs as a `Parallel` corpus (whitespace tokens).

    Introduced in 06_heads.
    """
    if isinstance(pairs, (str, dict)) or not pairs or not all(
            isinstance(p, (tuple, list)) and len(p) == 2 and all(isinstance(s, str) for s in p)
            for p in pairs):
        raise ValueError("pairs must be a list of at least one (source, target) sentence pair "
                         "(two strings each).")
    source = [s.lower().split() for s, _ in pairs]
    target = [t.lower().split() for _, t in pairs]
    if any(not s or not t for s, t in zip(source, target, strict=True)):
        raise ValueError("Every sentence of every pair needs at least one word.")
    vs, vt = corpus.Vocabulary.build(source), corpus.Vocabulary.build(target)
    return Parallel(vs, vt, tuple(vs.encode(s) for s in source),
                    tuple(vt.encode(t) for t in target))


def cross_counts(par):
    """The rectangular cross co-occurrence operator C (|V_t|, |V_s|), dense.

    C[f, e] = Σ over pairs of (count of f in the target sentence) · (count of e in the source
    sentence) = (D_tᵀ D_s)[f, e]. Introduced in 06_heads.
    """
    validate.instance(par, "par", Parallel, "Build it with parallel_corpus().")
    D_t = doc_term(par.target, len(par.target_vocab))
    D_s = doc_term(par.source, len(par.source_vocab))
    return (D_t.T @ D_s).toarray()


def _padded(docs):
    """Ids padded with 0 to (m, n_max) and the mask of real tokens."""
    n_max = max(len(d) for d in docs)
    ids = np.zeros((len(docs), n_max), dtype=np.int64)
    real = np.arange(n_max)[None, :] < np.array([len(d) for d in docs])[:, None]
    ids[real] = np.concatenate(docs)
    return ids, real


def ibm_model1(par, iterations=10):
    """IBM Model 1 translation table T (|V_t|, |V_s|) by EM, T[f, e] = t(f | e).

    Starts uniform; each iteration computes, for every pair at once, the alignment posterior
    P(a_j = i | f, e) = t(f_j | e_i) / Σ_i' t(f_j | e_i') (no NULL word), adds it up as expected
    counts and renormalises each column (source word). Introduced in 06_heads.
    """
    validate.instance(par, "par", Parallel, "Build it with parallel_corpus().")
    iterations = whole_number(iterations, "iterations", minimum=0)
    Vt, Vs = len(par.target_vocab), len(par.source_vocab)
    tgt, tgt_real = _padded(par.target)  # (m, J)
    src, src_real = _padded(par.source)  # (m, I)
    both = tgt_real[:, :, None] & src_real[:, None, :]  # (m, J, I)
    flat = (tgt[:, :, None] * Vs + src[:, None, :])[both]
    T = np.full((Vt, Vs), 1.0 / Vt)
    for _ in range(iterations):
        t = np.where(both, T[tgt[:, :, None], src[:, None, :]], 0.0)  # (m, J, I)
        posterior = t / np.where(tgt_real, t.sum(axis=2), 1.0)[:, :, None]
        expected = np.bincount(flat, weights=posterior[both], minlength=Vt * Vs)
        expected = expected.reshape(Vt, Vs)
        T = expected / expected.sum(axis=0, keepdims=True)
    return T


def alignment_posterior(T, target_ids, source_ids):
    """IBM Model 1's alignment posterior for one pair, (J, I): rows are target words.

    P(a_j = i) = t(f_j | e_i) / Σ_i' t(f_j | e_i'). Introduced in 06_heads.
    """
    T = real_array(T, "T", 2, shape="(|V_t|, |V_s|)")
    if (T < 0).any():
        raise ValueError("T must hold probabilities t(f | e) >= 0, got a negative entry.")
    target_ids = id_array(target_ids, "target_ids", T.shape[0])
    source_ids = id_array(source_ids, "source_ids", T.shape[1])
    M = T[np.ix_(target_ids, source_ids)]  # (J, I)
    total = M.sum(axis=1, keepdims=True)
    if (total == 0).any():
        raise ValueError(f"Target word(s) at {np.flatnonzero(total[:, 0] == 0).tolist()} have "
                         "t(f | e) = 0 for every source word: their alignment is undefined "
                         "(check that target_ids and source_ids come from T's vocabularies).")
    return M / total



def _nonnegative(a, name, shape):
    a = real_array(a, name, 2, shape=shape)
    if a.min() < 0:
        raise ValueError(f"{name} must be >= 0, got a negative entry ({a.min():g}).")
    return a
