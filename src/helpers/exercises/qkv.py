"""Self-checks for the exercises of 04_qkv. Each check computes its own expected answer.

The toy operators are built from right-only counts of the toy corpus (window 4).
Introduced in 04_qkv.
"""

import numpy as np

from .. import bilinear, cooccurrence, data
from .base import Feedback, Question, Quiz, check_number, hint, trap, unanswered

EXERCISE_4 = {"sigma2": 4.0, "d_k": 64}  # variance of the entries of q and k, key width
HINTS = {
    1: ("every square matrix is a symmetric part plus an antisymmetric part; the share "
        "compares the squared Frobenius norm of one part with that of S.",
        "S_skew = (S − Sᵀ)/2 and the share is ‖S_skew‖_F² / ‖S‖_F², with S = log(1 + X^R).",
        "S = np.log1p(X_right_toy.toarray()); np.sum(((S - S.T) / 2)**2) / np.sum(S**2)."),
    2: ("Eckart–Young: the best rank-2 approximation keeps the two largest singular values; "
        "what is left over?",
        "‖S − S_2‖² = Σ_{i>2} σ_i² and ‖S‖² = Σ_i σ_i²; the relative error is the square root "
        "of their ratio.",
        "s = np.linalg.svd(S, compute_uv=False); np.sqrt(np.sum(s[2:]**2) / np.sum(s**2))."),
    3: ("a symmetric matrix diagonalises with real eigenvalues, some of them negative; split "
        "each eigenvalue between the two factors.",
        "S_sym = V diag(λ) Vᵀ: take U_Q = V |λ|^½ and U_K = U_Q diag(sign λ).",
        "lam, V = np.linalg.eigh(S_sym); U_q = V * np.sqrt(np.abs(lam)); U_k = U_q * "
        "np.sign(lam); answer = (U_q, U_k)."),
    4: ("write Var(q·k) as a sum over the d_k products q_i k_i: how large is the variance of "
        "one product of two independent zero-mean entries?",
        "Var(q_i k_i) = σ²·σ² and the d_k products are independent: Var(q·k) = d_k σ⁴; "
        "Var(c q·k) = c² d_k σ⁴.",
        "c = 1 / sqrt(d_k σ⁴) = 1 / (σ² sqrt(d_k)) with σ² = 4 and d_k = 64."),
}


def toy_right_counts():
    """Right-only counts X^R of the toy corpus, window 4, 1/d weights: (|V|, |V|) CSR."""
    toy = data.toy()
    return cooccurrence.count(list(toy.docs), len(toy.vocab), 4, direction="right")


def check_1(answer) -> Feedback:
    """Share of ‖S‖² in the antisymmetric part of S = log(1 + X^R) on the toy corpus."""
    S = bilinear.directional_operator(toy_right_counts(), "log1p")
    share = bilinear.energy_fractions(S)[1]
    return check_number(answer, share, HINTS[1], atol=1e-6, what="fraction", traps=[
        (1 - share, trap("the symmetric share", "that is ‖S_sym‖² / ‖S‖²; the exercise asks "
                         "for the antisymmetric part (S − Sᵀ)/2.")),
        (2 * np.sqrt(share), trap("a norm ratio", "that is ‖S − Sᵀ‖ / ‖S‖: halve S − Sᵀ and "
                                  "compare squared norms.")),
        (0.0, trap("the symmetric counts", "X = X^L + X^R is symmetric, so its antisymmetric "
                   "part is 0; build S from the right-only counts ex.toy_right_counts()."))])


def check_2(answer) -> Feedback:
    """Relative error ‖S − S_2‖/‖S‖ of the best rank-2 fit of S = PPMI(X^R) on the toy corpus."""
    S = bilinear.directional_operator(toy_right_counts(), "ppmi")
    errors = bilinear.low_rank_errors(S)
    s = np.linalg.svd(S, compute_uv=False)
    return check_number(answer, errors[2], HINTS[2], atol=1e-6, what="relative error", traps=[
        (errors[2] ** 2, trap("the squared ratio", "that is ‖S − S_2‖² / ‖S‖²: take its square "
                              "root.")),
        (np.sqrt(np.sum(s[2:] ** 2)), trap("an absolute error", "divide by ‖S‖ = "
                                           "sqrt(Σ σ_i²) to make it relative.")),
        (errors[1], trap("off-by-one rank", "that is the rank-1 error: the rank-2 fit keeps "
                         "σ_1 and σ_2, the error starts at σ_3 (s[2:] counting from 0)."))])


def check_3(answer) -> Feedback:
    """(U_Q, U_K) with U_Q U_Kᵀ = S_sym exactly, S_sym the symmetric part of toy PPMI(X^R)."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    S = bilinear.directional_operator(toy_right_counts(), "ppmi")
    S_sym = bilinear.sym_skew(S)[0]
    try:
        W_q, W_k = (np.asarray(a, dtype=float) for a in answer)
    except (TypeError, ValueError):
        return Feedback(False, "answer with a pair (U_Q, U_K) of 2-D arrays.")
    if W_q.ndim != 2 or W_q.shape != W_k.shape or W_q.shape[0] != S_sym.shape[0]:
        return Feedback(False, f"U_Q and U_K should both be ({S_sym.shape[0]}, r); got "
                               f"{W_q.shape} and {W_k.shape}.")
    product = W_q @ W_k.T
    if not np.allclose(product, S_sym, atol=1e-8):
        if np.allclose(W_q, W_k):
            return trap("one shared map", "U_Q = U_K gives U Uᵀ, which is positive "
                        "semidefinite; S_sym has negative eigenvalues, so U_K must flip their "
                        "columns.")
        if np.allclose(product, S, atol=1e-8):
            return trap("the whole S", "U_Q U_Kᵀ reproduces S; the exercise asks for its "
                        "symmetric part (S + Sᵀ)/2.")
        return Feedback(False, hint(HINTS[3]))
    negative = int(np.sum(np.linalg.eigvalsh(S_sym) < -1e-10))
    return Feedback(True, f"W_q W_kᵀ = S_sym; the {negative} negative eigenvalues are why W_k "
                          "must differ from W_q.")


def check_4(answer) -> Feedback:
    """The scale c with Var(c q·k) = 1 for q, k of independent entries of variance 4, d_k = 64."""
    sigma2, d_k = EXERCISE_4["sigma2"], EXERCISE_4["d_k"]
    return check_number(answer, 1.0 / (sigma2 * np.sqrt(d_k)), HINTS[4], atol=1e-9,
                        what="scale", traps=[
        (1 / np.sqrt(d_k), trap("forgetting the variance", "1/√d_k is the scale for entries of "
                                "variance 1; here each entry has variance 4.")),
        (1 / np.sqrt(d_k * sigma2), trap("one factor of σ²", "q_i k_i is a product of two "
                                         "entries, so its variance is σ²·σ² = σ⁴, not σ².")),
        (1 / (d_k * sigma2 ** 2), trap("a variance, not a standard deviation", "c multiplies "
                                       "q·k, so Var(c q·k) = c² Var(q·k): c is one over the "
                                       "square root of Var(q·k)."))])


QUESTIONS = (
    Question("Why can one shared map W_Q = W_K not represent a directional operator?", 0,
             "(H W)(H W)ᵀ is symmetric and positive semidefinite: it loses the whole "
             "antisymmetric part and every negative eigenvalue.",
             ("its scores H W Wᵀ Hᵀ are symmetric and positive semidefinite",
              "it has too few parameters", "softmax needs two different matrices",
              "its rank is at most 1")),
    Question("q and k have d_k = 16 independent entries of mean 0 and variance 1. Which scale c "
             "makes Var(c q·k) = 1? (a number)", 0.25,
             "Var(q·k) = d_k = 16, so c = 1/√d_k = 1/4 = 0.25."),
    Question("softmax(log X / τ) with a temperature τ < 1, compared with τ = 1:", 0,
             "softmax(log X / τ) ∝ X^{1/τ}: τ < 1 raises the counts to a power above 1 and "
             "sharpens the rows; τ > 1 flattens them; τ = 1 is 03's restricted conditional.",
             ("sharpens each row (∝ X^{1/τ})", "flattens each row", "leaves the weights "
              "unchanged", "makes every row uniform")),
    Question("Where do the outputs Y = A V of one attention row lie?", 2,
             "attention rows are convex weights (non-negative, summing to 1), so each output "
             "row is a convex combination of the value rows H W_V.",
             ("anywhere in the span of the queries", "on the unit sphere",
              "in the convex hull of the value rows H W_V", "in the span of the keys")),
)


def quiz() -> Quiz:
    """The self-checked quiz that ends 04_qkv."""
    return Quiz("Session 04", QUESTIONS)
