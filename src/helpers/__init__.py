"""Helpers for the course *Attention from Co-occurrence*: one module per idea.

corpus, cooccurrence, data (01) · glove, evaluate (02) · projection, attention (03) ·
bilinear (04) · positions (05) · heads (06) · block (07) · real_model (08) ·
plots, validate, cache, widgets, exercises (all).

The bad-input contract. Every public function of the math modules (every name without a
leading underscore) keeps these rules, checked at its entry by `helpers.validate` and by
tests/test_contract.py, which finds new functions by itself:

- Bad input raises ValueError or TypeError from the helper, with a message that names the
  parameter, says what was given and what is expected. TypeError means the wrong kind of object
  (None or a string where an array belongs, a list where a Vocabulary belongs, "False" for a
  flag); ValueError means an unusable value of the right kind.
- NaN and ±inf are refused wherever they mean nothing: counts, vectors, scores, positions, and
  parameters such as base, x_max, eps, learning_rate, scale, alpha, smoothing. Where -inf has a
  meaning (a masked logit, the log of a zero count in S for `projection.project`), the
  docstring says so; NaN is never accepted as input.
- Non-numeric (text, object) and complex dtypes are refused; nothing is silently cast.
- Masks are boolean (True = may attend) or additive float log-masks (0 where allowed, -inf
  where masked, or a finite log-prior). An integer mask, and a float mask of only 0s and 1s,
  are refused with a message saying to use mask.astype(bool) or np.log(mask): added to the
  scores they would shift logits by 1 instead of masking.
- Empty inputs (no tokens, no keys, no rows, no documents) are refused, except where the
  docstring gives the empty result (`Vocabulary.encode([])` is an empty id array,
  `Vocabulary.decode([])` is []).
- Shapes are checked against each other, and the message names both parameters.
- Lists are accepted where an array is natural and converted once; objects of the wrong kind
  are refused by name.
- Counts such as window, chunk, iterations, epochs, dim, k, n and seed accept numpy integers
  like Python ints, refuse bools, floats and strings, and refuse values below their minimum.
- No finite input gives NaN silently: a result without meaning raises (an all-zero operator,
  a word that co-occurs with nothing in the sentence), or the docstring says when NaN is
  returned (`evaluate.analogy` with no covered question, `projection.restricted_kl` for a
  position without counts, `block.correlation` of a constant array).

Degenerate but valid inputs return documented results: a single token gives 1 × 1 matrices;
a window longer than every document counts every pair inside each document (and a document of
one token adds nothing); a vocabulary of one word gives 1 × 1 counts whose PMI is 0.

`helpers.widgets` and `helpers.exercises` are outside the contract's battery: explorers turn
bad input into a message on screen (tests/test_bad_input.py) and exercises return feedback.
Checks run once at a function's entry, vectorised, never inside a training or counting loop.
"""
