"""Self-checks for the exercises of 04_qkv. Each check computes its own expected answer.

The toy operators are built from right-only counts of the toy corpus (window 4).
Introduced in 04_qkv.
"""

import numpy as np

from .. import bilinear, cooccurrence, data
from .base import Feedback, compare_number, unanswered


def toy_right_counts():
    """Right-only counts X^R of the toy corpus, window 4, 1/d weights: (|V|, |V|) CSR."""
    toy = data.toy()
    return cooccurrence.count(list(toy.docs), len(toy.vocab), 4, direction="right")


def check_1(answer) -> Feedback:
    """Share of ‖S‖² in the antisymmetric part of S = log(1 + X^R) on the toy corpus."""
    S = bilinear.directional_operator(toy_right_counts(), "log1p")
    return compare_number(
        answer, bilinear.energy_fractions(S)[1],
        "split S into S_skew = (S − Sᵀ)/2 and divide ‖S_skew‖² (sum of squares) by ‖S‖².",
        atol=1e-6, what="fraction")


def check_2(answer) -> Feedback:
    """Relative error ‖S − S_2‖/‖S‖ of the best rank-2 fit of S = PPMI(X^R) on the toy corpus."""
    S = bilinear.directional_operator(toy_right_counts(), "ppmi")
    return compare_number(
        answer, bilinear.low_rank_errors(S)[2],
        "Eckart–Young: the squared error is the sum of the squared singular values after the "
        "first two; divide its square root by ‖S‖ = sqrt(sum of all σ²).",
        atol=1e-6, what="relative error")


def check_3(answer) -> Feedback:
    """(W_q, W_k) with W_q W_kᵀ = S_sym exactly, S_sym the symmetric part of toy PPMI(X^R)."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    S_sym = bilinear.sym_skew(bilinear.directional_operator(toy_right_counts(), "ppmi"))[0]
    try:
        W_q, W_k = (np.asarray(a, dtype=float) for a in answer)
    except (TypeError, ValueError):
        return Feedback(False, "answer with a pair (W_q, W_k) of 2-D arrays.")
    if W_q.ndim != 2 or W_q.shape != W_k.shape or W_q.shape[0] != S_sym.shape[0]:
        return Feedback(False, f"W_q and W_k should both be ({S_sym.shape[0]}, r); got "
                               f"{W_q.shape} and {W_k.shape}.")
    if not np.allclose(W_q @ W_k.T, S_sym, atol=1e-8):
        return Feedback(False, "W_q W_kᵀ does not reproduce S_sym. Diagonalise S_sym = V diag(λ) "
                               "Vᵀ, take W_q = V |λ|^½ and flip the columns of negative λ in W_k.")
    negative = int(np.sum(np.linalg.eigvalsh(S_sym) < -1e-10))
    return Feedback(True, f"W_q W_kᵀ = S_sym; the {negative} negative eigenvalues are why W_k "
                          "must differ from W_q.")


def check_4(answer) -> Feedback:
    """The scale c with Var(c q·k) = 1 for q, k of independent entries of variance 4, d_k = 64."""
    sigma2, d_k = 4.0, 64
    return compare_number(
        answer, 1.0 / (sigma2 * np.sqrt(d_k)),
        "each product q_i k_i has variance σ²·σ² = 16, and d_k of them add up: Var(q·k) = "
        "d_k σ⁴. Which c makes c² d_k σ⁴ = 1?",
        atol=1e-9, what="scale")
