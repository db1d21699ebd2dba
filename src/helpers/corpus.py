"""Text, tokens and vocabularies: the toy corpus, the Lee news corpus and the benchmarks.

Introduced in 01_cooccurrence. The real data ships inside the gensim package's test data,
so nothing is ever downloaded.
"""

import importlib.util
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import validate

TOKEN_PATTERN = re.compile(r"[a-z]+(?:'[a-z]+)*")

TOY_CORPUS = """\
the river bank was muddy after the rain
fish swim near the muddy bank of the river
we sat on the bank and watched the river water
the water rose over the river bank
children fish from the grassy bank of the river
the bank approved the loan
she asked the bank for a loan with low interest
the bank charges interest on the loan
he deposited money at the bank
the bank lent money to the small firm
money in the bank earns interest
the loan was approved and the money arrived
"""
# the twelve toy words the notebooks' count tables show: both senses of "bank" and "the"
TOY_WORDS = ("the", "bank", "river", "water", "muddy", "fish",
             "loan", "money", "interest", "approved", "of", "was")


def tokenize(text: str) -> list[str]:
    """Lowercase `text` and return its tokens.

    A token is a run of ASCII letters, optionally joined to further runs by single internal
    apostrophes (regex ``[a-z]+(?:'[a-z]+)*``): "Don't stop, 4:00pm!" gives
    ["don't", "stop", "pm"]. Digits, punctuation and other characters separate tokens.
    Introduced in 01_cooccurrence.
    """
    if not isinstance(text, str):
        raise ValueError(f"tokenize expects a string of text, got {type(text).__name__}.")
    return TOKEN_PATTERN.findall(text.lower())


def toy_corpus() -> list[list[str]]:
    """The course's toy corpus: 12 tokenised sentences, "bank" in its river and money senses.

    Introduced in 01_cooccurrence.
    """
    return [tokenize(line) for line in TOY_CORPUS.splitlines()]


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Words with integer ids, most frequent first (ties broken by the word's string order).

    `words[i]` is the word with id i, `counts[i]` its corpus frequency. Build one with
    `Vocabulary.build`. Two vocabularies are equal only if they are the same object, so a
    vocabulary can serve as a cache key. Introduced in 01_cooccurrence.
    """

    words: tuple[str, ...]
    counts: np.ndarray
    index: dict[str, int] = field(repr=False, compare=False)

    @classmethod
    def build(cls, tokens: Iterable[str] | Iterable[Sequence[str]], min_count: int = 1):
        """Vocabulary of every token seen at least `min_count` times.

        `tokens` is one sequence of tokens or a list of documents (sequences of tokens).
        """
        min_count = validate.whole_number(min_count, "min_count")
        if isinstance(tokens, str):
            raise ValueError("Vocabulary.build expects tokens; call tokenize(text) first.")
        frequency = Counter(_flatten(tokens))
        kept = sorted(
            ((w, c) for w, c in frequency.items() if c >= min_count),
            key=lambda wc: (-wc[1], wc[0]),
        )
        if not kept:
            raise ValueError(
                f"No word of tokens occurs at least min_count={min_count} times: lower min_count "
                "or give a longer text."
            )
        words = tuple(w for w, _ in kept)
        counts = np.array([c for _, c in kept], dtype=np.int64)
        return cls(words, counts, {w: i for i, w in enumerate(words)})

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def encode(self, tokens: Iterable[str], unknown: str = "raise") -> np.ndarray:
        """Ids of `tokens` as an int64 array of shape (n,).

        Words not in the vocabulary raise a ValueError naming them (``unknown="raise"``) or are
        left out (``unknown="drop"``).
        """
        if unknown not in ("raise", "drop"):
            raise ValueError(f'unknown must be "raise" or "drop", got {unknown!r}.')
        if isinstance(tokens, str):
            raise ValueError("encode expects a list of tokens; call tokenize(text) first.")
        tokens = list(tokens)
        missing = [t for t in tokens if t not in self.index]
        if missing and unknown == "raise":
            shown = ", ".join(repr(w) for w in dict.fromkeys(missing))
            raise ValueError(
                f"Not in the vocabulary: {shown}. Use words the corpus contains often enough "
                "(see vocab.words), or pass unknown='drop' to leave them out."
            )
        return np.array([self.index[t] for t in tokens if t in self.index], dtype=np.int64)

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Words for the ids in `ids` (a 1-D integer array or list; no ids give [])."""
        ids = validate.id_array(ids, "ids", len(self), nonempty=False)
        if ids.size and not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(f"Ids must be whole numbers, got dtype {ids.dtype}.")
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"Ids must lie in 0..{len(self) - 1}; got {ids.min()}..{ids.max()}.")
        return [self.words[i] for i in ids.tolist()]

    def count(self, word: str) -> int:
        """Corpus frequency of `word` (0 when it is not in the vocabulary)."""
        i = self.index.get(validate.text(word, "word"))
        return 0 if i is None else int(self.counts[i])


def _flatten(tokens):
    """Yield tokens from one token sequence or from a list of token sequences."""
    for item in tokens:
        if isinstance(item, str):
            yield item
        else:
            yield from item


def gensim_test_data(name: str) -> Path:
    """Path of a file in gensim's bundled test data (found without importing gensim)."""
    spec = importlib.util.find_spec("gensim")
    if spec is None or not spec.submodule_search_locations:
        raise ValueError("The real corpus ships with gensim: install it with pip install gensim.")
    validate.text(name, "name")
    path = Path(next(iter(spec.submodule_search_locations))) / "test" / "test_data" / name
    if not path.exists():
        from importlib.metadata import version

        raise ValueError(f"name {name!r} is not in gensim {version('gensim')}'s test data "
                         f"({path}): reinstall gensim (pip install --force-reinstall gensim).")
    return path


def lee_documents() -> list[list[str]]:
    """The Lee news corpus (lee_background.cor): 300 articles, each a list of tokens.

    Introduced in 01_cooccurrence.
    """
    text = gensim_test_data("lee_background.cor").read_text(encoding="utf-8")
    return [tokenize(line) for line in text.splitlines() if line.strip()]


WIKI_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"


def wiki_documents() -> list[list[str]]:
    """gensim's Wikipedia excerpt: 106 articles, each a list of about 4,000 tokens.

    Read with gensim's `WikiCorpus`, whose filter strips the wiki markup (templates, links,
    tables, references) that the course's `tokenize` would keep as words. Its tokenizer rule
    also differs from ours: lowercase, alphabetic tokens of 2 to 15 letters (so "a", numbers
    and very long words are dropped). Every benchmark word is lowercase and alphabetic, so the
    rule changes no benchmark pair. Takes a few seconds; `data.wiki()` caches the result.
    Introduced in 02b_glove_in_depth.
    """
    from gensim.corpora.wikicorpus import WikiCorpus

    path = gensim_test_data(WIKI_FILE)
    return [list(doc) for doc in WikiCorpus(str(path), dictionary={}, processes=1).get_texts()]


def similarity_pairs(name: str) -> list[tuple[str, str, float]]:
    """Word pairs with human similarity scores: ``"wordsim353"`` or ``"simlex999"``.

    Returns (word_1, word_2, score) with lowercased words. Introduced in 02_glove.
    """
    files = {"wordsim353": "wordsim353.tsv", "simlex999": "simlex999.txt"}
    if name not in files:
        raise ValueError(f"Unknown benchmark name {name!r}; choose one of {sorted(files)}.")
    pairs = []
    for line in gensim_test_data(files[name]).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        a, b, score = line.split("\t")[:3]
        pairs.append((a.lower(), b.lower(), float(score)))
    return pairs


def analogy_questions() -> dict[str, list[tuple[str, str, str, str]]]:
    """Google analogy questions (questions-words.txt), lowercased, grouped by section.

    Each question (a, b, c, d) reads "a is to b as c is to d". Introduced in 02_glove.
    """
    sections: dict[str, list[tuple[str, str, str, str]]] = {}
    current = None
    for line in gensim_test_data("questions-words.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith(":"):
            current = line[1:].strip()
            sections[current] = []
        elif line.strip() and current is not None:
            a, b, c, d = line.lower().split()
            sections[current].append((a, b, c, d))
    return sections


def sentence_ids(text: str, vocab: Vocabulary, max_tokens: int = 30) -> np.ndarray:
    """Token ids (n,) of a sentence a learner typed, with a readable ValueError when unusable.

    Rejects text with no words, more than `max_tokens` words (heatmaps stop being readable),
    or words outside `vocab` (the message lists them). Introduced in 03_projection.
    """
    validate.instance(vocab, "vocab", Vocabulary, "Build it with Vocabulary.build.")
    max_tokens = validate.whole_number(max_tokens, "max_tokens")
    tokens = tokenize(text)
    if not tokens:
        raise ValueError(
            "Type a sentence with at least one word (letters a-z; digits and punctuation "
            "are ignored)."
        )
    if len(tokens) > max_tokens:
        raise ValueError(
            f"The sentence has {len(tokens)} words; keep it to at most {max_tokens} so the "
            "pictures stay readable."
        )
    return vocab.encode(tokens)


TEXT8_URL = "http://mattmahoney.net/dc/text8.zip"
TEXT8_SHA256 = "a6640522afe85d1963ad56c05b0ede0a0c000dddc9671758a6cc09b7a38e5232"


def text8_path(url: str = TEXT8_URL, sha256: str = TEXT8_SHA256, timeout: float = 60.0) -> Path:
    """The text8 archive (31 MB zip), downloaded once into the course cache and verified.

    The file lives at `helpers.cache.cache_dir() / "text8.zip"` (`.cache/` at the repository
    root unless ATTENTION_COURSE_CACHE names another folder). A download whose SHA-256 differs
    from `sha256` is deleted and reported; offline, a ValueError says where to put a copy made
    by hand. Introduced in 02_glove.
    """
    import hashlib
    import urllib.request

    from .cache import cache_dir

    validate.text(url, "url")
    validate.text(sha256, "sha256")
    timeout = validate.positive(timeout, "timeout")
    path = cache_dir() / "text8.zip"
    if path.exists():
        return path
    partial = path.with_suffix(".zip.part")
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(partial, "wb") as out:
            while block := response.read(1 << 20):
                digest.update(block)
                out.write(block)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ValueError(
            f"Could not download text8 from {url} ({exc}). Check the network connection, or "
            f"download the file by hand and save it as {path}."
        ) from exc
    if digest.hexdigest() != sha256:
        partial.unlink()
        raise ValueError(
            f"The file downloaded from {url} has SHA-256 {digest.hexdigest()}, expected "
            f"{sha256}: it is damaged or not text8. Nothing was kept; try again later."
        )
    partial.replace(path)
    return path


def text8(min_count: int = 5, url: str = TEXT8_URL, sha256: str = TEXT8_SHA256,
          chunk_chars: int = 1 << 24):
    """text8 (17,005,207 tokens of cleaned English Wikipedia) as a vocabulary and one id stream.

    Returns (Vocabulary of words seen at least `min_count` times, ids (n,) int64 with rarer
    words dropped), ready for `cooccurrence.count(ids, len(vocab), window=10)`. The text is
    read in chunks of about `chunk_chars` characters, so no list of 17 million strings is ever
    built. Downloads on first use (see `text8_path`). Introduced in 02_glove.
    """
    import zipfile

    min_count = validate.whole_number(min_count, "min_count")
    chunk_chars = validate.whole_number(chunk_chars, "chunk_chars")
    with zipfile.ZipFile(text8_path(url, sha256)) as archive:
        names = archive.namelist()
        if names != ["text8"]:
            raise ValueError(f"The text8 archive should hold one file 'text8', found {names}.")
        text = archive.read("text8").decode("ascii")
    chunks = _space_chunks(text, chunk_chars)
    frequency: Counter = Counter()
    for chunk in chunks:
        frequency.update(chunk.split())
    kept = sorted(((w, c) for w, c in frequency.items() if c >= min_count),
                  key=lambda wc: (-wc[1], wc[0]))
    if not kept:
        raise ValueError(f"No word of text8 occurs at least min_count={min_count} times.")
    vocab = Vocabulary(tuple(w for w, _ in kept), np.array([c for _, c in kept], dtype=np.int64),
                       {w: i for i, (w, _) in enumerate(kept)})
    lookup = dict.fromkeys(frequency, -1) | vocab.index  # every type -> id, or -1 if too rare
    ids = np.concatenate([np.fromiter(map(lookup.__getitem__, chunk.split()), dtype=np.int64)
                          for chunk in chunks])
    return vocab, ids[ids >= 0]


def _space_chunks(text: str, size: int) -> list[str]:
    """`text` cut into pieces of about `size` characters, each cut made at a space."""
    pieces, start = [], 0
    while start < len(text):
        end = text.find(" ", start + size)
        end = len(text) if end == -1 else end
        pieces.append(text[start:end])
        start = end
    return pieces
