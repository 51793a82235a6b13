"""The fast sentence splitter: line breaks and sentence punctuation, not abbreviations."""

import pytest


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("The worker fell. He hurt his back.", ["The worker fell.", "He hurt his back."]),
        ("Seen by Dr. Smith on 8/10/15. Pain 4/10.", ["Seen by Dr. Smith on 8/10/15.", "Pain 4/10."]),
        ("TITLE LINE\nFirst line of text with no period", ["TITLE LINE", "First line of text with no period"]),
        ("He previously underwent an epidural steroid injection with relief.", ["He previously underwent an epidural steroid injection with relief."]),
        ("Tramadol 50 mg. was taken. Norco was stopped.", ["Tramadol 50 mg. was taken.", "Norco was stopped."]),
    ],
)
def test_sentences_split(nlp, text, sentences):
    doc = nlp.make_doc(text)
    doc = nlp.get_pipe("extractor_sentences")(doc)
    assert [s.text.strip() for s in doc.sents] == sentences
