"""The letter tokenizer: stock spaCy tokens, without the special cases that stop its cache."""

import random

import spacy

from extractor.components.letter_tokenizer import LetterTokenizer, drop_whitespace_specials


def _tokens(doc):
    return [(t.text, t.whitespace_, t.idx, t.norm_, t.is_space) for t in doc]


def test_whitespace_specials_are_dropped(nlp):
    rules = nlp.tokenizer.tokenizer.rules
    assert "\n" not in rules and "\t" not in rules and " " not in rules
    assert "\xa0" in rules  # it sets a NORM: kept
    assert "don't" in rules and "Dr." in rules


def test_tokens_are_the_stock_tokenizers(corpus_letters):
    stock = spacy.blank("en").tokenizer
    ours = drop_whitespace_specials(spacy.blank("en").tokenizer)
    pieces = [" ", "  ", "\n", "\n\n", "\t", "\r\n", "\xa0", "word", "Dr.", "e.g.", "(", ").", "don't", "Inc.", "x-y"]
    rng = random.Random(4)
    texts = [p.read_text(encoding="utf-8") for p in corpus_letters[::6]]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(2000)]
    for text in texts:
        assert _tokens(ours(text)) == _tokens(stock(text))


def test_letter_tokenizer_serializes_and_keeps_its_rules():
    nlp = spacy.blank("en")
    tokenizer = LetterTokenizer(nlp.tokenizer)
    copy = LetterTokenizer(spacy.blank("en").tokenizer).from_bytes(tokenizer.to_bytes())
    assert "\n" not in copy.tokenizer.rules
    assert ([t.text for t in copy("Seen by Dr. Smith.\nPain 4/10.")]
            == [t.text for t in tokenizer("Seen by Dr. Smith.\nPain 4/10.")])


def test_warming_words_changes_no_token(corpus_letters):
    # Words met after a special case ("Inc.") are tokenized alone first, so spaCy caches them.
    stock = spacy.blank("en").tokenizer
    letter = LetterTokenizer(spacy.blank("en").tokenizer)
    texts = [p.read_text(encoding="utf-8") for p in corpus_letters[:12]]
    for text in texts + texts:
        doc = letter(text)
        assert _tokens(doc) == _tokens(stock(doc.text))
        assert set(doc.text.split()) <= letter._warmed
