"""The fast sentence splitter: line breaks and sentence punctuation, not abbreviations."""

import pytest


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("The worker fell. He hurt his back.", ["The worker fell.", "He hurt his back."]),
        ("Seen by Dr. Smith on 8/10/15. Pain 4/10.", ["Seen by Dr. Smith on 8/10/15.", "Pain 4/10."]),
        ("TITLE LINE\nFirst line of text with no period", ["TITLE LINE", "First line of text with no period"]),
        ("He previously underwent an epidural steroid injection with relief.",
         ["He previously underwent an epidural steroid injection with relief."]),
        ("Tramadol 50 mg. was taken. Norco was stopped.", ["Tramadol 50 mg. was taken.", "Norco was stopped."]),
        # A list number's period opens its item; a number ending a sentence still ends it.
        ("Treatment to date:\n1. Physical therapy\n2. Ibuprofen. It helped.",
         ["Treatment to date:", "1. Physical therapy", "2. Ibuprofen.", "It helped."]),
        ("She returned to work on 3/2/2016. Pain was rated 4. She walks.",
         ["She returned to work on 3/2/2016.", "Pain was rated 4.", "She walks."]),
    ],
)
def test_sentences_split(nlp, text, sentences):
    doc = nlp.make_doc(text)
    doc = nlp.get_pipe("extractor_sentences")(doc)
    assert [s.text.strip() for s in doc.sents] == sentences


def test_sentence_bounds_are_the_docs_sentences(nlp, corpus_letters):
    from extractor.components.sentences import sentence_bounds

    for path in corpus_letters[::5]:
        doc = nlp.make_doc(path.read_text(encoding="utf-8"))
        doc = nlp.get_pipe("extractor_sentences")(doc)
        bounds = sentence_bounds(doc)
        sents = list(doc.sents)
        assert bounds.starts == [s.start for s in sents] and bounds.ends == [s.end for s in sents]
        assert bounds.start_chars == [s.start_char for s in sents]
        assert bounds.end_chars == [s.end_char for s in sents]


def test_sentence_word_flags_are_registered_once(nlp):
    from extractor.components.sentences import word_flags

    assert word_flags(nlp.vocab) == word_flags(nlp.vocab)
    assert len(set(word_flags(nlp.vocab))) == 5
