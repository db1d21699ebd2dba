"""Relations as heads and IBM Model 1 cross-attention (helpers.heads) against brute force."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import heads
from helpers.attention import multi_head_stages, softmax

DOCS = [np.array([0, 1, 2, 1, 3]), np.array([2, 2, 4]), np.array([4, 0])]
V = 5


def test_local_operator_counts_adjacent_pairs_both_ways():
    brute = np.zeros((V, V))
    for doc in DOCS:
        for a, b in zip(doc[:-1], doc[1:], strict=True):
            brute[a, b] += 1
            brute[b, a] += 1
    assert np.allclose(heads.local_operator(DOCS, V).toarray(), brute)


def test_topical_operator_counts_pairs_of_distinct_positions():
    brute = np.zeros((V, V))
    for doc in DOCS:
        for i in range(len(doc)):
            for j in range(len(doc)):
                if i != j:
                    brute[doc[i], doc[j]] += 1
    S = heads.topical_operator(DOCS, V)
    assert np.allclose(S, brute) and np.allclose(S, S.T)


def test_doc_term_rejects_bad_ids():
    with pytest.raises(ValueError, match="0..4"):
        heads.doc_term([np.array([0, 7])], V)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 6))
def test_restricted_conditional_is_softmax_of_log(seed, n):
    rng = np.random.default_rng(seed)
    S = rng.random((8, 8)) + 0.01
    ids = rng.integers(0, 8, size=n)
    R = heads.restricted_conditional(S, ids)
    assert np.allclose(R, softmax(np.log(S)[np.ix_(ids, ids)]))
    batch = heads.restricted_conditional(S, np.stack([ids, ids[::-1]]))
    assert np.allclose(batch[0], R)


def test_restricted_conditional_rejects_empty_rows():
    with pytest.raises(ValueError, match="co-occur with no word of the sentence"):
        heads.restricted_conditional(np.array([[0.0, 1.0], [0.0, 0.0]]), [0, 1])


def test_linear_before_softmax_not_after():
    rng = np.random.default_rng(0)
    Q = np.eye(6)[[0, 3, 5, 2]]
    S_parts = [rng.standard_normal((6, 6)) for _ in range(2)]
    assert np.allclose(sum(Q @ S @ Q.T for S in S_parts), Q @ sum(S_parts) @ Q.T)
    L1, L2 = (Q @ S @ Q.T for S in S_parts)
    assert not np.allclose(softmax(L1) + softmax(L2), 2 * softmax(L1 + L2))


def test_concat_times_W_o_is_sum_of_head_blocks():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((5, 8))
    W_q, W_k, W_v, W_o = (rng.standard_normal((8, 8)) for _ in range(4))
    mh = multi_head_stages(X, X, W_q, W_k, W_v, W_o, 4)
    blocks = sum(mh.heads[r] @ W_o[2 * r:2 * r + 2] for r in range(4))
    assert np.allclose(mh.output, blocks)


def test_low_rank_is_exact_on_low_rank_and_near_the_svd():
    rng = np.random.default_rng(2)
    L = rng.standard_normal((40, 3)) @ rng.standard_normal((3, 40))
    W_q, W_k = heads.low_rank(L, 3)
    assert np.allclose(W_q @ W_k.T, L)
    G = rng.standard_normal((40, 40))
    W_q, W_k = heads.low_rank(G, 5)
    U, s, Vt = np.linalg.svd(G)
    best = np.linalg.norm(G - (U[:, :5] * s[:5]) @ Vt[:5])
    assert np.linalg.norm(G - W_q @ W_k.T) <= 1.01 * best
    with pytest.raises(ValueError, match="k must be"):
        heads.low_rank(G, 0)


def test_kl_rows_and_centred_log():
    P = np.array([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    assert np.allclose(heads.kl_rows(P, P), 0)
    assert np.all(heads.kl_rows(P, np.full((2, 3), 1 / 3)) > 0)
    S = np.arange(9.0).reshape(3, 3)
    assert np.allclose(softmax(heads.centred_log(S, 0.5)), softmax(np.log(S + 0.5)))
    with pytest.raises(ValueError, match="eps"):
        heads.centred_log(S, 0)


def test_chunks_and_mix():
    c = heads.chunks(DOCS, 2)
    assert c.tolist() == [[0, 1], [2, 1], [2, 2], [4, 0]]
    S1, S2 = np.ones((2, 2)), 3 * np.ones((2, 2))
    assert np.allclose(heads.mix(S1, S2, 0.5), np.ones((2, 2)))
    with pytest.raises(ValueError, match="alpha"):
        heads.mix(S1, S2, 1.5)


def test_compare_designs_exact_two_heads_beat_the_summed_head():
    rng = np.random.default_rng(3)
    S_a = rng.poisson(3.0, (12, 12)).astype(float) + np.eye(12)
    S_b = rng.poisson(0.5, (12, 12)).astype(float) * 40 + 1
    seqs = rng.integers(0, 12, size=(30, 5))
    c = heads.compare_designs({"a": S_a, "b": S_b}, seqs, k=3, eps=1e-6)
    assert max(c.exact_two.values()) < 1e-4
    assert all(c.exact_sum[r] > 10 * c.exact_two[r] for r in ("a", "b"))


def brute_ibm1(par, iterations):
    T = np.full((len(par.target_vocab), len(par.source_vocab)), 1 / len(par.target_vocab))
    for _ in range(iterations):
        counts = np.zeros_like(T)
        for f, e in zip(par.target, par.source, strict=True):
            for fj in f:
                z = sum(T[fj, ei] for ei in e)
                for ei in e:
                    counts[fj, ei] += T[fj, ei] / z
        T = counts / counts.sum(axis=0)
    return T


def log_likelihood(par, T):
    pairs = zip(par.target, par.source, strict=True)
    return sum(np.log(T[np.ix_(f, e)].mean(axis=1)).sum() for f, e in pairs)


def test_ibm_model1_matches_loops_and_climbs():
    par = heads.parallel_corpus()
    for it in (0, 1, 3):
        assert np.allclose(heads.ibm_model1(par, it), brute_ibm1(par, it))
    lls = [log_likelihood(par, heads.ibm_model1(par, it)) for it in range(6)]
    assert all(b >= a - 1e-12 for a, b in zip(lls[:-1], lls[1:], strict=True))
    T = heads.ibm_model1(par, 10)
    assert np.allclose(T.sum(axis=0), 1)
    vt, vs = par.target_vocab, par.source_vocab
    assert T[vt.index["haus"]].argmax() == vs.index["house"]


def test_cross_attention_is_the_alignment_posterior():
    par = heads.parallel_corpus()
    T = heads.ibm_model1(par, 10)
    tgt, src = par.target[5], par.source[5]
    Mx = T[np.ix_(tgt, src)]
    assert Mx.shape == (len(tgt), len(src))
    assert np.allclose(softmax(np.log(Mx)), heads.alignment_posterior(T, tgt, src))
    C = heads.cross_counts(par)
    assert C.shape == (len(par.target_vocab), len(par.source_vocab))
    assert C[par.target_vocab.index["haus"], par.source_vocab.index["house"]] == 4


def test_parallel_corpus_validates():
    with pytest.raises(ValueError, match="at least one"):
        heads.parallel_corpus(())
    with pytest.raises(ValueError, match="at least one word"):
        heads.parallel_corpus((("a house", ""),))


def test_mean_of_two_heads_is_multi_head_with_shared_values_and_halving_W_o():
    rng = np.random.default_rng(4)
    A1, A2 = (softmax(rng.standard_normal((5, 5))) for _ in range(2))
    V_shared = rng.standard_normal((5, 3))
    W_o = np.vstack([np.eye(3) / 2, np.eye(3) / 2])  # (h·d_v, d) = (6, 3)
    assert np.allclose(np.concatenate([A1 @ V_shared, A2 @ V_shared], 1) @ W_o,
                       (A1 + A2) / 2 @ V_shared)


def test_head_weights_full_rank_and_low_rank():
    rng = np.random.default_rng(5)
    S = rng.poisson(2.0, (9, 9)).astype(float)
    seqs = rng.integers(0, 9, size=(4, 6))
    full = heads.head_weights(S, seqs)
    assert np.allclose(full[1], softmax(np.log(S + 1.0)[np.ix_(seqs[1], seqs[1])]))
    low = heads.head_weights(S, seqs, rank=9)  # rank |V| of the centred logits: exact
    assert np.allclose(low, full)


def test_covered_marks_exactly_the_sequences_with_a_restricted_conditional():
    S = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    seqs = np.array([[0, 1], [0, 2], [1, 0]])
    assert heads.covered(S, seqs).tolist() == [True, False, True]
    heads.restricted_conditional(S, seqs[[0, 2]])
    with pytest.raises(ValueError):
        heads.restricted_conditional(S, seqs[1])


def test_paired_bootstrap_shift_groups_and_input():
    rng = np.random.default_rng(6)
    a = rng.standard_normal(400)
    d = heads.paired_bootstrap(a + 0.5, a)
    assert d.mean == pytest.approx(0.5) and d.low == pytest.approx(0.5)
    noisy = heads.paired_bootstrap(a, np.zeros(400), seed=1)
    assert noisy.low < a.mean() < noisy.high and noisy.high - noisy.low < 0.4
    groups = np.repeat(np.arange(40), 10)
    clustered = a[groups]  # ten identical items per group: the groups are the real sample size
    by_item = heads.paired_bootstrap(clustered, np.zeros(400))
    by_group = heads.paired_bootstrap(clustered, np.zeros(400), groups=groups)
    assert by_group.high - by_group.low > 2 * (by_item.high - by_item.low)
    assert str(d).startswith("+0.500 [")
    with pytest.raises(ValueError, match="groups"):
        heads.paired_bootstrap(a, a, groups=[0, 1])
    with pytest.raises(ValueError, match="level"):
        heads.paired_bootstrap(a, a, level=1.0)


def test_offset_table_matches_a_loop():
    pairs, F = heads.pair_offset_counts(DOCS, V, max_offset=3)
    brute = {}
    for doc in DOCS:
        for i in range(len(doc)):
            for delta in range(1, 4):
                if i + delta < len(doc):
                    key = (int(doc[i]), int(doc[i + delta]))
                    brute.setdefault(key, np.zeros(3))[delta - 1] += 1
    assert sorted(brute) == [tuple(p) for p in pairs.tolist()]
    for p, row in zip(pairs.tolist(), F, strict=True):
        assert np.allclose(brute[tuple(p)], row)
    total = sum(heads.cooccurrence.offset_counts(DOCS, V, d).toarray() for d in (1, 2, 3))
    assert total.sum() == F.sum()
    with pytest.raises(ValueError, match="0..4"):
        heads.pair_offset_counts([np.array([0, 9])], V)


# A constructed example whose answer is known: two offset profiles (one at δ ≤ 2, one spread
# over δ ≥ 2), forty pairs that use only the first, forty only the second, forty a mix. Each
# profile is zero where the other is large, so the factors are unique up to order and scale.
NEAR = np.array([0.8, 0.2, 0.0, 0.0, 0.0, 0.0])
FAR = np.array([0.0, 0.1, 0.2, 0.2, 0.25, 0.25])


def constructed_table(seed=7):
    rng = np.random.default_rng(seed)
    W = np.zeros((120, 2))
    W[:40, 0] = rng.uniform(1, 5, 40)
    W[40:80, 1] = rng.uniform(1, 5, 40)
    W[80:] = rng.uniform(1, 5, (40, 2))
    return W, W @ np.stack([NEAR, FAR])


def test_nonnegative_factors_recover_known_profiles_and_pure_pairs():
    W_true, F = constructed_table()
    W, H = heads.nonnegative_factors(F, 2, iterations=3000)
    order = np.argsort(-H[:, 0])  # the component with most weight at δ = 1 first
    W, H = W[:, order], H[order]
    assert np.allclose(H.sum(axis=1), 1) and W.min() >= 0 and H.min() >= 0
    assert np.abs(H - np.stack([NEAR, FAR])).max() < 0.02
    assert np.linalg.norm(F - W @ H) < 1e-2 * np.linalg.norm(F)
    share_near = W[:, 0] / W.sum(axis=1)
    assert share_near[:40].min() > 0.95 and share_near[40:80].max() < 0.05
    W_fixed, H_fixed = heads.nonnegative_factors(F, 2, iterations=500, profiles=H)
    assert np.allclose(H_fixed, H) and np.linalg.norm(F - W_fixed @ H) < 1e-2 * np.linalg.norm(F)
    with pytest.raises(ValueError, match="G must be"):
        heads.nonnegative_factors(-F, 2)
    with pytest.raises(ValueError, match="profiles"):
        heads.nonnegative_factors(F, 2, profiles=np.ones((3, 6)))


def test_component_operators_split_the_counts_and_add_up():
    W_true, F = constructed_table()
    H = np.stack([NEAR, FAR])
    pairs = np.stack([np.arange(120) // 10, 12 + np.arange(120) % 10], axis=1)  # u < w
    S_near, S_far = heads.component_operators(pairs, F, W_true, H, 22)
    C = np.zeros((22, 22))
    C[pairs[:, 0], pairs[:, 1]] = F.sum(axis=1)
    assert np.allclose(S_near + S_far, C + C.T)
    u, w = pairs[:40].T  # pure "near" pairs: all their counts go to S_near
    assert np.allclose(S_near[u, w], F[:40].sum(axis=1)) and np.allclose(S_far[u, w], 0)
    assigned = heads.component_counts(F, W_true, H)
    assert np.allclose(assigned.sum(axis=1), F.sum(axis=1)) and np.allclose(assigned[:40, 1], 0)
    with pytest.raises(ValueError, match="do not fit"):
        heads.component_operators(pairs[:5], F, W_true, H, 22)
    with pytest.raises(ValueError, match="do not fit"):
        heads.component_counts(F, W_true[:5], H)


def test_lee_relations_on_a_small_corpus():
    from types import SimpleNamespace
    rng = np.random.default_rng(8)
    counted = SimpleNamespace(vocab=[f"w{i}" for i in range(30)],
                              docs=[rng.integers(0, 30, 40) for _ in range(6)])
    rel = heads.lee_relations(counted, max_rank=4)
    assert np.allclose(rel.local, heads.local_operator(counted.docs, 30).toarray())
    assert np.allclose(rel.topical, heads.topical_operator(counted.docs, 30))
    half = heads.lee_relations(counted, max_rank=4, docs=counted.docs[:3])
    assert np.allclose(half.local, heads.local_operator(counted.docs[:3], 30).toarray())
    assert set(rel.factors) == {"local", "topical", "sum"}
    assert all(U.shape == (30, 4) for pair in rel.factors.values() for U in pair)
