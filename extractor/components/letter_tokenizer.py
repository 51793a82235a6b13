"""A tokenizer that cleans raw letter text first, so ``nlp(raw_text)`` and ``nlp.pipe`` work.

Text given to the pipeline may hold several pages separated by form feeds (``\\f``); the
cleaned text becomes the Doc's text and the page starts are kept on the Doc.
"""


from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import registry

from ..cleaning import clean_pages


class LetterTokenizer:
    """Cleans a letter's text (unwrap lines, drop page furniture), then tokenizes it."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        """Wrap spaCy's rule-based ``tokenizer``."""
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        """Return the Doc of the cleaned text, with page starts in ``doc._.imr_page_starts``."""
        clean = clean_pages(text.split("\f"))
        doc = self.tokenizer(clean.text)
        doc._.imr_page_starts = list(clean.page_starts)
        doc.user_data[TEXT_KEY] = clean.text  # Doc.text re-joins every token on each call
        return doc


TEXT_KEY = "imr_text"


def doc_text(doc: Doc) -> str:
    """The Doc's text, without rebuilding it from tokens when the tokenizer kept it."""
    return doc.user_data.get(TEXT_KEY) or doc.text

    def pipe(self, texts, batch_size: int = 1000):  # noqa: D102 - spaCy's tokenizer protocol
        for text in texts:
            yield self(text)

    def to_bytes(self, **kwargs):  # noqa: D102 - delegate serialization to spaCy's tokenizer
        return self.tokenizer.to_bytes(**kwargs)

    def from_bytes(self, data, **kwargs):  # noqa: D102
        self.tokenizer.from_bytes(data, **kwargs)
        return self

    def to_disk(self, path, **kwargs):  # noqa: D102
        self.tokenizer.to_disk(path, **kwargs)

    def from_disk(self, path, **kwargs):  # noqa: D102
        self.tokenizer.from_disk(path, **kwargs)
        return self


@registry.tokenizers("extractor.letter_tokenizer.v1")
def create_letter_tokenizer():
    """Registered factory: wraps the language's default tokenizer."""

    def make(nlp):
        return LetterTokenizer(nlp.Defaults.create_tokenizer()(nlp))

    return make
