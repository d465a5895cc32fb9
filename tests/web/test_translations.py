"""The English catalog: complete, and its compiled form in step with its source."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import web

CATALOG = Path(web.__file__).parent / "translations" / "en" / "LC_MESSAGES"


def test_every_message_has_an_english_translation():
    with (CATALOG / "messages.po").open("rb") as source:
        catalog = read_po(source)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    assert untranslated == []


def entries(catalog) -> dict:
    """Message id -> translation, plural forms as tuples whichever reader made them."""

    def plain(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {plain(m.id): plain(m.string) for m in catalog if m.id}


def test_the_compiled_catalog_matches_its_source():
    with (CATALOG / "messages.po").open("rb") as source:
        po = entries(read_po(source))
    with (CATALOG / "messages.mo").open("rb") as compiled:
        mo = entries(read_mo(compiled))
    assert mo == po, "run: pybabel compile -d services/web/src/web/translations"


def test_every_message_in_the_code_is_in_the_catalog():
    package = Path(web.__file__).parent
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(
            package,
            method_map=[("**.py", "python"), ("templates/**.html", "jinja2")],
            keywords={"_": None, "gettext": None, "ngettext": (1, 2)},
        )
    }
    with (CATALOG / "messages.po").open("rb") as source:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(source) if m.id}
    assert found - known == set(), "extract and update the catalog (see messages.po)"
