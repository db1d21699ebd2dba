"""Entry checks and documented degenerate results of the helpers the contract covered last.

bilinear.random_logits, cache.cached / fingerprint, heads (head_weights, covered,
paired_bootstrap, nonnegative_factors, component_counts / operators), positions
(offset_profiles, weighted_group_mean, weighted_r2), projection.glove_kl_sweep and the
correlation helpers of real_model. tests/test_contract.py feeds them generated bad values; this
file pins what their docstrings promise for inputs that are valid but degenerate.
"""

import math

import numpy as np
import pytest

from helpers import bilinear, cache, data, glove, heads, positions, projection
from helpers import real_model as rm


def test_random_logits_refuses_bad_widths():
    assert set(bilinear.random_logits([2, np.int64(3)], n_queries=4, n_keys=2)) == {2, 3}
    with pytest.raises(ValueError, match="dims is empty"):
        bilinear.random_logits([])
    with pytest.raises(ValueError, match=r"dims\[1\]"):
        bilinear.random_logits([2, 0])
    with pytest.raises(TypeError, match="dims"):
        bilinear.random_logits("16")


def test_fingerprint_names_where_an_unhashable_value_sits():
    with pytest.raises(TypeError, match=r"value\['f'\]\[1\]"):
        cache.fingerprint({"f": [1, {2}]})
    with pytest.raises(TypeError, match="object array"):
        cache.fingerprint(np.array([object()]))
    assert cache.fingerprint({}) != cache.fingerprint([])


def test_cached_refuses_bad_input_before_computing(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path))

    def never():
        raise AssertionError("computed although the input was bad")

    for args, error, name in (((3, {}, never), TypeError, "name"),
                              (("../up", {}, never), ValueError, "name"),
                              (("x", {"f": len}, never), TypeError, "params"),
                              (("x", {}, "never"), TypeError, "compute"),
                              (("x", {}, never, "cache"), TypeError, "producers")):
        with pytest.raises(error, match=name):
            cache.cached(*args)
    with pytest.raises(TypeError, match="compute"):
        cache.cached("x", {}, lambda: [1, 2])
    assert list(tmp_path.iterdir()) == []


def test_head_weights_and_covered_on_one_token_sequences():
    S = np.array([[1.0, 2.0], [0.0, 0.0]])
    assert np.allclose(heads.head_weights(S, [[0], [1]]), 1.0)
    assert heads.covered(S, [[0], [1]]).tolist() == [True, False]
    with pytest.raises(ValueError, match="rank"):
        heads.head_weights(S, [[0, 1]], rank=3)
    with pytest.raises(ValueError, match="seqs"):
        heads.covered(S, [[0, 2]])


def test_paired_bootstrap_with_one_group_is_a_point():
    d = heads.paired_bootstrap([1.0, 2.0, 4.0], [0.0, 0.0, 1.0], groups=[7, 7, 7])
    assert d.low == d.high == d.mean == pytest.approx(2.0)
    with pytest.raises(ValueError, match="length of a"):
        heads.paired_bootstrap([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="level"):
        heads.paired_bootstrap([1.0, 2.0], [0.0, 1.0], level=math.nan)


def test_nonnegative_factors_of_zero_counts_are_zero_loadings_and_uniform_profiles():
    Z, Phi = heads.nonnegative_factors(np.zeros((4, 3)), 2, iterations=5)
    assert np.all(Z == 0) and np.allclose(Phi, 1 / 3)
    with pytest.raises(ValueError, match="profiles"):
        heads.nonnegative_factors(np.ones((4, 3)), 2, profiles=np.zeros((2, 3)))


def test_component_counts_split_evenly_where_no_component_reaches():
    out = heads.component_counts([[2.0, 4.0]], [[0.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]])
    assert np.allclose(out, [[3.0, 3.0]])
    with pytest.raises(ValueError, match="Phi"):
        heads.component_counts([[2.0, 4.0]], [[1.0, 1.0]], [[1.0, -1.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="pairs"):
        heads.component_operators([[0, 5]], [[2.0]], [[1.0]], [[1.0]], vocab_size=3)


def test_weighted_means_and_r2_document_their_nan():
    mean = positions.weighted_group_mean([1.0, 3.0], [0, 0], [1.0, 1.0], 2)
    assert mean[0] == 2.0 and math.isnan(mean[1])  # group 1 has no weight
    assert math.isnan(positions.weighted_r2([2.0, 2.0], [2.0, 2.0], [1.0, 1.0]))
    assert positions.weighted_r2([2.0, 2.0], [1.0, 3.0], [1.0, 1.0]) == -math.inf
    with pytest.raises(ValueError, match="group"):
        positions.weighted_group_mean([1.0], [2], [1.0], 2)
    with pytest.raises(ValueError, match="weight"):
        positions.weighted_r2([1.0, 2.0], [1.0, 2.0], [0.0, 0.0])


def test_offset_profiles_refuse_offsets_past_the_longest_document():
    toy = data.toy()
    longest = max(len(d) for d in toy.docs)
    with pytest.raises(ValueError, match="K"):
        positions.offset_profiles(toy.docs, len(toy.vocab), longest, [0])
    with pytest.raises(ValueError, match="class_ids"):
        positions.offset_profiles(toy.docs, len(toy.vocab), 2, [len(toy.vocab)])


def test_glove_kl_sweep_checks_every_fit_against_the_counts():
    toy = data.toy()
    windows = projection.sample_sentences(list(toy.docs), 4, 2)
    other = glove.train(toy.X[:5, :5], dim=2, epochs=1)
    with pytest.raises(ValueError, match=r"fits\[2\]"):
        projection.glove_kl_sweep(toy.X, windows, {2: other})
    with pytest.raises(TypeError, match=r"fits\[2\]"):
        projection.glove_kl_sweep(toy.X, windows, {2: "fit"})


def test_stratified_spearman_without_a_usable_stratum_is_nan():
    Y = np.arange(8.0).reshape(2, 4)
    assert np.isnan(rm.stratified_spearman(Y, [1.0, 1.0, 1.0, 1.0], [0, 0, 1, 1])).all()
    with pytest.raises(ValueError, match="strata"):
        rm.stratified_spearman(Y, [1.0, 2.0, 3.0, 4.0], [0.5, 0, 1, 1])


def test_agreement_and_partial_spearman_name_the_bad_argument():
    Y, x = np.random.default_rng(0).random((2, 6)), np.arange(6.0)
    with pytest.raises(ValueError, match="statistics is empty"):
        rm.agreement(Y, {}, x, np.zeros(6, dtype=int))
    with pytest.raises(ValueError, match=r"statistics\['s'\]"):
        rm.agreement(Y, {"s": np.full(6, np.nan)}, x, np.zeros(6, dtype=int))
    with pytest.raises(ValueError, match="controls"):
        rm.partial_spearman(Y, x, np.ones(5))
    with pytest.raises(ValueError, match="min_pieces"):
        rm.lee_sentences(min_pieces=10, max_pieces=5)
