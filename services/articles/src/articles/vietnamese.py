"""Vietnamese text folding: the one normalization behind slugs and search.

Unicode decomposition removes tones and vowel marks (``ế`` -> ``e``), but ``đ`` is a
letter of its own, not ``d`` with a mark, so it is mapped explicitly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase words without diacritics, separated by single spaces.

    ``"Đảm bảo an ninh, trật tự"`` -> ``"dam bao an ninh trat tu"``.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", bare.lower()).strip()


def words(text: str) -> list[str]:
    """The folded words of ``text`` (what the search indexes hold)."""
    return fold(text).split()


def slugify(text: str, max_length: int = 120) -> str:
    """A URL slug: ``"Yên Bái: Sơ kết công tác"`` -> ``"yen-bai-so-ket-cong-tac"``.

    Long titles are cut at a word boundary so a slug never ends in half a word.
    """
    slug = "-".join(words(text))
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
    return slug


def first_free(base: str, taken: Collection[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... the first that is not in ``taken``."""
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
