"""Text letters: UTF-8, with a cp1252 / latin-1 fallback that is reported as a warning."""

from __future__ import annotations

import re

from ..errors import Errors, fail

# Share of control characters above which decoded "text" is really binary data.
_MAX_CONTROL_SHARE = 0.02
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def read_text_bytes(data: bytes) -> tuple[str, str, list[str]]:
    """Decode text bytes; return ``(text, encoding, warnings)``."""
    warnings: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:  # a byte-order mark, then bytes that are not UTF-16
            raise fail("read", "E019", encoding="UTF-16 (it starts with a UTF-16 byte-order mark)",
                       reason=exc.reason) from None
    else:
        try:
            text, encoding = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, encoding = data.decode("latin-1"), "latin-1"
            warnings.append(Errors.W001.format(encoding=encoding))
    control = len(_CONTROL.findall(text, 0, 20000))
    if text and control / min(len(text), 20000) > _MAX_CONTROL_SHARE:
        raise fail("read", "E003", kind="too many control characters for text")
    if _HTML.match(text):
        text = html_to_text(text)
        warnings.append(Errors.W007)
    if not text.strip():
        raise fail("read", "E007")
    return text, encoding, warnings


_HTML = re.compile(r"\s*(?:<!DOCTYPE\s+html|<html|<head|<body)", re.IGNORECASE)
_BLOCK = re.compile(r"<\s*(?:br|/p|/div|/h\d|/li|/tr|p|div|li|tr|h\d)\b[^>]*>", re.IGNORECASE)
_SKIP = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def html_to_text(markup: str) -> str:
    """The text of an HTML page: scripts dropped, block tags as line breaks, entities decoded."""
    from html import unescape

    markup = _SKIP.sub(" ", markup)
    markup = _BLOCK.sub("\n", markup)
    return unescape(re.sub(r"<[^>]+>", "", markup))
