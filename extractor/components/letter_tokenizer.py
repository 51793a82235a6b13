r"""A tokenizer that cleans raw letter text first, so ``nlp(raw_text)`` and ``nlp.pipe`` work.

Text given to the pipeline may hold several pages separated by form feeds (``\f``); the
cleaned text becomes the Doc's text and the page starts are kept on the Doc.
"""


from spacy.attrs import ORTH
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import registry

from ..cleaning import clean_pages

TEXT_KEY = "imr_text"


def drop_whitespace_specials(tokenizer: Tokenizer) -> Tokenizer:
    """Remove the special cases that only restate a whitespace character (a newline, a tab).

    spaCy stops caching chunks for the rest of a Doc once one chunk hits a special case
    (tokenizer.pyx ``_save_cached``: ``has_special`` is set per Doc, not per chunk). Every
    cleaned letter has a newline in its first line, so with the stock rules almost no chunk
    is ever cached and each word goes through the prefix/suffix/infix regexes again. The
    removed rules give exactly the tokens the default rules give, so the Doc is unchanged.
    """
    rules = tokenizer.rules or {}
    kept = {
        key: value for key, value in rules.items()
        if not (key.isspace() and value == [{ORTH: key}])
    }
    if len(kept) != len(rules):
        tokenizer.rules = kept
    return tokenizer


# Words remembered as already in spaCy's cache; past this many the memory starts afresh (the
# words stay in spaCy's cache, which is bounded by replacing worker processes).
_MAX_WARMED = 200_000


class LetterTokenizer:
    """Cleans a letter's text (unwrap lines, drop page furniture), then tokenizes it."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        """Wrap spaCy's rule-based ``tokenizer``."""
        self.tokenizer = drop_whitespace_specials(tokenizer)
        self._warmed: set[str] = set()

    def _warm(self, text: str) -> None:
        """Put each word not met before in spaCy's cache by tokenizing it alone.

        Within a Doc, spaCy caches no more words once one special case has been met, and
        letters meet "Inc." or "Dr." near the top: without this, most words would go through
        the prefix, suffix and infix rules again in every letter. A word alone in a Doc is
        cached (unless it involves a special case itself). The tokens are the same either way.
        """
        new = set(text.split()) - self._warmed
        if not new:
            return
        if len(self._warmed) + len(new) > _MAX_WARMED:
            self._warmed.clear()
        for word in new:
            self.tokenizer(word)
        self._warmed |= new

    def __call__(self, text: str) -> Doc:
        """Return the Doc of the cleaned text, with page starts in ``doc._.imr_page_starts``."""
        clean = clean_pages(text.split("\f"))
        self._warm(clean.text)
        doc = self.tokenizer(clean.text)
        doc._.imr_page_starts = list(clean.page_starts)
        doc.user_data[TEXT_KEY] = clean.text  # Doc.text re-joins every token on each call
        return doc

    def pipe(self, texts, batch_size: int = 1000):  # noqa: D102 - spaCy's tokenizer protocol
        for text in texts:
            yield self(text)

    def to_bytes(self, **kwargs):  # noqa: D102 - delegate serialization to spaCy's tokenizer
        return self.tokenizer.to_bytes(**kwargs)

    def from_bytes(self, data, **kwargs):  # noqa: D102
        self.tokenizer.from_bytes(data, **kwargs)
        drop_whitespace_specials(self.tokenizer)
        self._warmed.clear()  # loading rules flushes spaCy's cache
        return self

    def to_disk(self, path, **kwargs):  # noqa: D102
        self.tokenizer.to_disk(path, **kwargs)

    def from_disk(self, path, **kwargs):  # noqa: D102
        self.tokenizer.from_disk(path, **kwargs)
        drop_whitespace_specials(self.tokenizer)
        self._warmed.clear()
        return self


def doc_text(doc: Doc) -> str:
    """The Doc's text, without rebuilding it from tokens when the tokenizer kept it."""
    return doc.user_data.get(TEXT_KEY) or doc.text


@registry.tokenizers("extractor.letter_tokenizer.v1")
def create_letter_tokenizer():
    """Registered factory: wraps the language's default rule-based tokenizer."""
    default = registry.tokenizers.get("spacy.Tokenizer.v1")()

    def make(nlp):
        return LetterTokenizer(default(nlp))

    return make
