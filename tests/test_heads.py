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
    with pytest.raises(ValueError, match="none of the sequence"):
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
