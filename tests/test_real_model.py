"""Tests for helpers.real_model: numpy statistics always; model extraction with the extra.

The numpy forward pass (helpers.minilm) is checked against transformers' BertModel on a tiny
random BERT built here and on the real model, when torch and transformers are installed.
"""

import importlib.util

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from helpers import cooccurrence, minilm
from helpers import real_model as rm
from helpers.attention import scaled_dot_product_attention

needs_extra = pytest.mark.skipif(rm.missing_extra() is not None,
                                 reason=f"{rm.missing_extra()} missing; {rm.EXTRA_HINT}")
WORDS = ["the", "river", "bank", "was", "muddy", "after", "rain", "money", "loan", "."]


# ---- numpy helpers (no extra needed) ----------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_symmetric_energy_splits_the_norm(seed):
    B = np.random.default_rng(seed).standard_normal((2, 7, 7))
    sym, skew = (B + B.transpose(0, 2, 1)) / 2, (B - B.transpose(0, 2, 1)) / 2
    share = rm.symmetric_energy(B)
    assert np.allclose(share, (sym**2).sum((1, 2)) / (B**2).sum((1, 2)))
    assert np.allclose(share + (skew**2).sum((1, 2)) / (B**2).sum((1, 2)), 1.0)
    assert np.allclose(rm.symmetric_energy(sym), 1.0)
    assert np.allclose(rm.symmetric_energy(skew), 0.0)


def test_symmetric_energy_rejects_bad_input():
    with pytest.raises(ValueError, match="square"):
        rm.symmetric_energy(np.ones((3, 4)))
    with pytest.raises(ValueError, match="zero"):
        rm.symmetric_energy(np.zeros((3, 3)))


def test_spearman_matches_scipy_and_partial_removes_controls():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(500)
    Y = np.stack([x + rng.standard_normal(500), rng.standard_normal(500)])
    expected = [spearmanr(y, x).statistic for y in Y]
    assert np.allclose(rm.spearman(Y, x), expected)
    c = rng.standard_normal(500)
    assert np.allclose(rm.partial_spearman(Y, x, c[None]), rm.spearman(Y, x), atol=0.05)
    # y and x share only the control: the partial correlation vanishes, the raw one does not.
    y, z = c + 0.3 * rng.standard_normal(500), c + 0.3 * rng.standard_normal(500)
    assert rm.spearman(y, z)[0] > 0.8
    assert abs(rm.partial_spearman(y, z, c[None])[0]) < 0.15
    assert np.allclose(rm.stratified_spearman(Y, x, np.zeros(500)), rm.spearman(Y, x))


def test_spearman_ranks_minus_infinity_lowest():
    x = np.array([-np.inf, -np.inf, 0.5, 1.0, 2.0])
    assert np.isclose(rm.spearman(np.array([0.0, 0.1, 0.2, 0.3, 0.4]), x)[0],
                      spearmanr([0, 1, 2, 3, 4], [0, 0, 1, 2, 3]).statistic)


def test_sparse_pmi_matches_dense_pmi():
    rng = np.random.default_rng(1)
    X = rng.poisson(0.7, (6, 6)).astype(float)
    u, w = np.meshgrid(np.arange(6), np.arange(6), indexing="ij")
    got = rm.sparse_pmi(sp.csr_matrix(X), u.ravel(), w.ravel()).reshape(6, 6)
    assert np.array_equal(np.isinf(got), X == 0)
    assert np.allclose(got[X > 0], cooccurrence.pmi(X)[X > 0])


def _extraction(A, special=None):
    n = A.shape[-1]
    special = np.zeros(n, bool) if special is None else special
    return rm.Extraction(tuple("t" * n), np.arange(n), special, np.zeros((n, 4)), A)


def test_offset_profile_finds_a_previous_token_head():
    n = 8
    prev = np.eye(n, k=-1)
    prev[0, 0] = 1.0  # the first query has no previous token
    uniform = np.full((n, n), 1 / n)
    A = np.stack([prev, uniform])[None]  # (1 layer, 2 heads, n, n)
    profile = rm.offset_profile([_extraction(A)], max_offset=3)
    assert np.allclose(profile[0, 0], [0, 0, 1, 1 / n, 0, 0, 0])  # δ = -3..3
    assert np.allclose(profile[0, 1], 1 / n)
    assert rm.offset_heads(profile) == [(0, 0, -1, 1.0)]


def test_content_attention_and_pairs_leave_out_special_tokens():
    n = 5
    special = np.array([True, False, False, False, True])
    A = np.full((1, 1, n, n), 1 / n)
    e = _extraction(A, special)
    C = rm.content_attention(e)
    assert np.allclose(C[0, 0][:, special], 0) and np.allclose(C.sum(-1), 1)
    stats = rm.PieceCounts(np.arange(n), np.arange(n), np.ones(n), {}, {})
    pairs = rm.token_pairs([e], stats, max_offset=1)
    assert sorted(zip(pairs.i, pairs.j, strict=True)) == [(1, 2), (2, 1), (2, 3), (3, 2)]
    assert np.allclose(rm.pair_attention([e], pairs), 1 / 3)


# ---- a tiny BERT: transformers' BertModel and the same weights in helpers.minilm ----------

NO_REFERENCE = any(importlib.util.find_spec(m) is None for m in ("torch", "transformers"))
needs_reference = pytest.mark.skipif(
    NO_REFERENCE, reason="torch and transformers (the reference implementation) are not installed")


@pytest.fixture(scope="module")
def tiny():
    """(numpy MiniLM, transformers BertModel, tokenizer) with the same random weights."""
    if NO_REFERENCE:
        pytest.skip("torch and transformers (the reference implementation) are not installed")
    import torch
    from transformers import BertConfig, BertModel, BertTokenizer

    pieces = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS
    tokenizer = BertTokenizer(vocab={w: i for i, w in enumerate(pieces)})
    torch.manual_seed(0)
    sizes = dict(vocab_size=len(WORDS) + 5, hidden_size=16, num_hidden_layers=2,
                 num_attention_heads=4, intermediate_size=32, max_position_embeddings=32,
                 layer_norm_eps=1e-12, initializer_range=0.5)
    reference = BertModel(BertConfig(**sizes, attn_implementation="eager")).eval()
    with torch.no_grad():  # random biases and LayerNorms, so that the algebra is really tested
        for p in reference.parameters():
            if p.ndim == 1:
                p.normal_(0, 0.5)
    tensors = {k: v.double().numpy() for k, v in reference.state_dict().items()}
    return minilm._from_tensors(minilm.Config(**sizes), tensors), reference, tokenizer


@needs_reference
def test_numpy_forward_matches_transformers(tiny):
    import torch

    model, reference, tokenizer = tiny
    e = rm.extract(model, tokenizer, "the river bank was muddy after the rain.")
    with torch.no_grad():
        out = reference(input_ids=torch.tensor(e.ids[None]), output_attentions=True,
                        output_hidden_states=True)
    assert np.abs(e.H - out.hidden_states[0][0].double().numpy()).max() < 1e-5
    assert np.abs(e.attentions - torch.stack(out.attentions)[:, 0].double().numpy()).max() < 1e-5
    n = len(e.tokens)
    assert e.tokens[0] == "[CLS]" and e.tokens[-1] == "[SEP]"
    assert e.attentions.shape == (2, 4, n, n) and e.H.shape == (n, 16)
    assert e.special.tolist() == [True] + [False] * (n - 2) + [True]
    with pytest.raises(ValueError, match="non-empty"):
        rm.extract(model, tokenizer, "  ")


@needs_reference
def test_layer_weights_are_row_vector_form(tiny):
    import torch

    model, reference, _ = tiny
    w = rm.layer_weights(model, 1)
    X = np.random.default_rng(0).standard_normal((5, 16))
    with torch.no_grad():
        Q = reference.encoder.layer[1].attention.self.query(torch.tensor(X).float()).numpy()
    assert np.allclose(X @ w.W_q + w.b_q, Q, atol=1e-5)
    assert w.W_q[:, w.head(2)].shape == (16, 4)
    with pytest.raises(ValueError, match="layer"):
        rm.layer_weights(model, 2)


@needs_reference
def test_the_key_bias_mask_is_exact(tiny):
    model, _, tokenizer = tiny
    e = rm.extract(model, tokenizer, "the bank was muddy after the rain . money loan")
    w = rm.layer_weights(model, 0)
    _, A = rm.numpy_layer_attention(w, e.H)
    assert np.abs(A - e.attentions[0]).max() < 1e-12
    for h in range(w.n_heads):  # biases added to X W head by head: the same weights
        c = w.head(h)
        _, A_h = scaled_dot_product_attention(e.H @ w.W_q[:, c] + w.b_q[c],
                                              e.H @ w.W_k[:, c] + w.b_k[c],
                                              e.H @ w.W_v[:, c] + w.b_v[c])
        assert np.abs(A_h - A[h]).max() < 1e-10


@needs_extra
@needs_reference
def test_the_real_model_matches_transformers():
    import torch
    from transformers import AutoModel, AutoTokenizer

    model, tokenizer = rm.load()
    sentence = "The river bank was muddy after the rain in Sydney's west."
    e = rm.extract(model, tokenizer, sentence)
    reference = AutoModel.from_pretrained(rm.model_path(), attn_implementation="eager").eval()
    encoded = AutoTokenizer.from_pretrained(rm.model_path())(sentence, return_tensors="pt")
    assert encoded["input_ids"][0].tolist() == e.ids.tolist()
    with torch.no_grad():
        out = reference(**encoded, output_attentions=True, output_hidden_states=True)
    assert np.abs(e.attentions - torch.stack(out.attentions)[:, 0].double().numpy()).max() < 1e-5
    pooler = sum(p.numel() for p in reference.pooler.parameters())
    assert model.n_parameters == sum(p.numel() for p in reference.parameters()) - pooler


@needs_extra
def test_random_like_is_bert_initialised_and_near_half_energy():
    model, _ = rm.load()
    rand = rm.random_like(model, seed=0)
    assert np.isclose(rand.word.std(), model.config.initializer_range, rtol=0.01)
    assert not rand.blocks[0].attention.b_q.any() and (rand.blocks[0].gamma_1 == 1).all()
    assert rand.n_parameters == model.n_parameters
    E = rm.head_energies(rand)
    assert E.shape == (6, 12)
    assert np.all(np.abs(E - 0.5) < 0.02)


@needs_extra
def test_piece_counts_offsets_sum_to_right_window():
    _, tokenizer = rm.load()
    stats = rm.piece_counts(tokenizer, windows=(3,), max_offset=3)
    right = sum(stats.offsets[d] / d for d in (1, 2, 3))
    corner = slice(0, 300)
    assert np.allclose((right + right.T)[corner, corner].toarray(),
                       stats.windows[3][corner, corner].toarray())
    assert stats.counts.sum() > 60_000


def test_agreement_shares_ranks_but_matches_the_single_functions():
    rng = np.random.default_rng(3)
    Y = rng.random((3, 400))
    strata = rng.integers(-3, 4, 400)
    x = Y[0] + rng.standard_normal(400)
    x_part = np.where(np.abs(strata) <= 1, x, np.nan)
    controls = np.stack([rng.random(400), np.abs(strata)])
    out = rm.agreement(Y, {"x": x, "part": x_part}, controls, strata)
    assert np.allclose(out["x"]["raw"], rm.spearman(Y, x))
    assert np.allclose(out["x"]["partial"], rm.partial_spearman(Y, x, controls))
    assert np.allclose(out["x"]["stratified"], rm.stratified_spearman(Y, x, strata))
    near = np.abs(strata) <= 1
    assert out["part"]["pairs"] == near.sum()
    assert np.allclose(out["part"]["partial"],
                       rm.partial_spearman(Y[:, near], x[near], controls[:, near]))
