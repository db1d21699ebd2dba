"""Tests for helpers.corpus: the tokenizer rule, Vocabulary, and the shipped data files."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import corpus
from helpers.corpus import Vocabulary, tokenize


def test_tokenize_rule():
    assert tokenize("Don't stop, 4:00pm!") == ["don't", "stop", "pm"]
    assert tokenize("The RIVER-bank's edge") == ["the", "river", "bank's", "edge"]
    assert tokenize("rock 'n' roll o''clock it's'") == ["rock", "n", "roll", "o", "clock", "it's"]
    assert tokenize("café naïve") == ["caf", "na", "ve"]
    assert tokenize("") == [] and tokenize("123 ... !!") == []


@given(st.text(max_size=60))
def test_tokens_match_the_pattern_and_are_lowercase(text):
    for token in tokenize(text):
        assert corpus.TOKEN_PATTERN.fullmatch(token)
        assert token == token.lower()


def test_tokenize_rejects_non_text():
    with pytest.raises(ValueError, match="string"):
        tokenize(["a", "b"])


def test_vocabulary_ids_by_descending_frequency_ties_by_string():
    tokens = "b a c a b d a c e".split()
    vocab = Vocabulary.build(tokens)
    assert vocab.words == ("a", "b", "c", "d", "e")
    np.testing.assert_array_equal(vocab.counts, [3, 2, 2, 1, 1])
    assert len(vocab) == 5 and "a" in vocab and "z" not in vocab
    assert vocab.count("b") == 2 and vocab.count("z") == 0


@given(st.lists(st.sampled_from("ab ba abc x y zz q".split()), min_size=1, max_size=40),
       st.integers(1, 4))
def test_vocabulary_order_property(tokens, min_count):
    counts = {w: tokens.count(w) for w in set(tokens)}
    if max(counts.values()) < min_count:
        with pytest.raises(ValueError, match="min_count"):
            Vocabulary.build(tokens, min_count=min_count)
        return
    vocab = Vocabulary.build(tokens, min_count=min_count)
    keys = [(-counts[w], w) for w in vocab.words]
    assert keys == sorted(keys)
    assert set(vocab.words) == {w for w, c in counts.items() if c >= min_count}
    np.testing.assert_array_equal(vocab.counts, [counts[w] for w in vocab.words])


def test_vocabulary_from_documents_and_min_count():
    vocab = Vocabulary.build([["a", "b"], ["a", "c"], ["a", "b"]], min_count=2)
    assert vocab.words == ("a", "b")


def test_encode_decode():
    vocab = Vocabulary.build("the bank the river the bank".split())
    ids = vocab.encode(["bank", "the", "river"])
    assert ids.dtype == np.int64
    np.testing.assert_array_equal(ids, [1, 0, 2])
    assert vocab.decode(ids) == ["bank", "the", "river"]
    assert vocab.decode([2, 0]) == ["river", "the"]
    with pytest.raises(ValueError, match="'loan', 'money'"):
        vocab.encode(["the", "loan", "money", "loan"])
    np.testing.assert_array_equal(vocab.encode(["loan", "the", "money"], unknown="drop"), [0])
    assert vocab.encode(["loan"], unknown="drop").size == 0


def test_vocabulary_errors():
    vocab = Vocabulary.build(["a", "b"])
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="min_count"):
            Vocabulary.build(["a"], min_count=bad)
    with pytest.raises(ValueError, match="tokenize"):
        Vocabulary.build("a b")
    with pytest.raises(ValueError, match="tokenize"):
        vocab.encode("a b")
    with pytest.raises(ValueError, match="raise"):
        vocab.encode(["a"], unknown="ignore")
    with pytest.raises(ValueError, match="0..1"):
        vocab.decode([0, 2])
    with pytest.raises(ValueError, match="whole numbers"):
        vocab.decode(np.array([0.0]))


def test_vocabulary_is_a_cache_key():
    vocab = Vocabulary.build(["a", "b"])
    assert {vocab: 1}[vocab] == 1 and vocab == vocab
    assert vocab != Vocabulary.build(["a", "b"])


def test_toy_corpus_has_both_senses_of_bank():
    sentences = corpus.toy_corpus()
    assert len(sentences) == 12
    with_bank = [set(s) for s in sentences if "bank" in s]
    assert any("river" in s for s in with_bank) and any("loan" in s for s in with_bank)
    assert not any("river" in s and "loan" in s for s in with_bank)


def test_lee_documents():
    docs = corpus.lee_documents()
    assert len(docs) == 300
    assert 55_000 < sum(len(d) for d in docs) < 65_000
    assert all(d for d in docs)


def test_benchmarks_load():
    ws = corpus.similarity_pairs("wordsim353")
    sl = corpus.similarity_pairs("simlex999")
    assert len(ws) > 300 and len(sl) == 999
    assert all(a == a.lower() and isinstance(s, float) for a, _, s in ws + sl)
    questions = corpus.analogy_questions()
    assert "capital-common-countries" in questions
    assert sum(len(q) for q in questions.values()) > 19_000
    with pytest.raises(ValueError, match="wordsim353"):
        corpus.similarity_pairs("men")


def test_sentence_ids():
    vocab = Vocabulary.build(tokenize(corpus.TOY_CORPUS))
    np.testing.assert_array_equal(corpus.sentence_ids("The bank!", vocab),
                                  vocab.encode(["the", "bank"]))
    with pytest.raises(ValueError, match="at least one word"):
        corpus.sentence_ids("42 !", vocab)
    with pytest.raises(ValueError, match="at most 3"):
        corpus.sentence_ids("the bank the river", vocab, max_tokens=3)
    with pytest.raises(ValueError, match="'zebra'"):
        corpus.sentence_ids("the zebra", vocab)


def test_missing_gensim_file_names_the_file_and_gensim_version():
    from importlib.metadata import version

    with pytest.raises(ValueError, match=rf"no_such_file\.txt.*gensim {version('gensim')}"):
        corpus.gensim_test_data("no_such_file.txt")


def test_wiki_excerpt_as_read_by_gensim_checked_by_hand():
    from helpers import data

    wiki = data.wiki()
    documents = [wiki.vocab.decode(d) for d in wiki.docs]
    assert len(documents) == 106
    # "Anarchism is a political philosophy that advocates self-governed societies based on
    # voluntary institutions": markup gone, lowercase, "a" dropped (under 2 letters), the
    # hyphenated word split in two.
    assert documents[0][:12] == ["anarchism", "is", "political", "philosophy", "that",
                                 "advocates", "self", "governed", "societies", "based", "on",
                                 "voluntary"]
    assert documents[1][:4] == ["autism", "is", "disorder", "characterized"]
    assert all(w.isalpha() and w.islower() and 2 <= len(w) <= 15 for w in wiki.vocab.words)
    assert len(wiki.vocab) > 8000 and wiki.X.nnz > 2_000_000
