"""English is really available: every string the code marks for translation has an English
translation, placeholders survive translation, the committed .mo is the compiled .po, and
pages rendered with English selected show English navigation.

These tests fail on purpose when someone adds a new ``_()``/``_l()`` string without
translating it: a page in English that falls back to Indonesian half-way is what DESIGN's
"English available" rules out. The failure message names the msgids and the commands to fix.
"""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE_DIR = ROOT / "outlet_pos" / "translations" / "en" / "LC_MESSAGES"
PO_PATH = CATALOGUE_DIR / "messages.po"
MO_PATH = CATALOGUE_DIR / "messages.mo"
# The keywords `pybabel extract -k _l` uses: babel's defaults (_, gettext, ngettext,
# pgettext, ...) plus lazy_gettext imported as _l (shell/nav.py, admin forms).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}

HOW_TO_FIX = """
To fix it, from the repository root:
  .venv/bin/pybabel extract -F babel.cfg -k _l -o /tmp/messages.pot .
  .venv/bin/pybabel update --no-fuzzy-matching --ignore-obsolete -i /tmp/messages.pot \\
      -d outlet_pos/translations -l en
  # write the English for every empty msgstr "" in
  # outlet_pos/translations/en/LC_MESSAGES/messages.po (and drop any '#, fuzzy' flag
  # after checking that entry: fuzzy entries are never used at run time), then
  .venv/bin/pybabel compile -d outlet_pos/translations -l en
and commit both messages.po and messages.mo."""

# %(name)s / %s / %d / %% (printf style, what gettext substitutes), {name} (str.format),
# HTML tags and entities (markup inside a msgid must come out the same in English).
PLACEHOLDER = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[#0+-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|%[diouxXeEfFgGcrs%]"
    r"|\{[A-Za-z_0-9]*(?:[!:][^{}]*)?\}"
    r"|</?[A-Za-z][^<>]*>"
    r"|&[A-Za-z]+;|&#\d+;"
)


def _key(msgid) -> str:
    """A catalogue's key for a message: the singular msgid for a plural entry."""
    return msgid if isinstance(msgid, str) else msgid[0]


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(strings) and all(strings)


@functools.cache
def _po() -> Catalog:
    with PO_PATH.open("rb") as f:
        return read_po(f)


@functools.cache
def _extracted() -> dict[tuple[str, str | None], str]:
    """What `pybabel extract` finds in the tree now: (msgid, context) -> first location."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[tuple[str, str | None], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        key = (_key(message), context)
        if key[0]:
            found.setdefault(key, f"{filename}:{lineno}")
    return found


def _listing(items: list[str], limit: int = 40) -> str:
    shown = "\n".join(f"  {item}" for item in items[:limit])
    more = f"\n  ... and {len(items) - limit} more" if len(items) > limit else ""
    return shown + more


def test_extraction_finds_the_strings_the_app_marks():
    # Guards the guard: an extraction that silently found nothing would pass every check below.
    found = _extracted()
    assert len(found) > 1500
    assert ("Beranda", None) in found  # shell/nav.py, through _l
    assert ("Gerai", "plural") in found  # a template's pgettext


def test_every_extracted_string_has_an_english_translation():
    catalogue = _po()
    missing, fuzzy = [], []
    for (msgid, context), where in sorted(_extracted().items(), key=lambda kv: kv[1]):
        message = catalogue.get(msgid, context=context)
        label = f"{where}: {msgid!r}" + (f" (context {context!r})" if context else "")
        if message is None or not _translated(message):
            missing.append(label)
        elif message.fuzzy:
            fuzzy.append(label)
    problems = []
    if missing:
        problems.append(
            f"{len(missing)} msgid(s) have no English translation in {PO_PATH.relative_to(ROOT)}:"
            f"\n{_listing(missing)}"
        )
    if fuzzy:
        problems.append(
            f"{len(fuzzy)} translation(s) are marked fuzzy (not used at run time):"
            f"\n{_listing(fuzzy)}"
        )
    assert not problems, "\n".join(problems) + "\n" + HOW_TO_FIX


def test_no_fuzzy_or_empty_entry_is_left_in_the_catalogue():
    bad = [
        repr(_key(m.id))
        for m in _po()
        if m.id and (m.fuzzy or not _translated(m))
    ]
    assert bad == [], (
        f"{len(bad)} fuzzy or empty entries in the English catalogue:\n{_listing(bad)}\n"
        + HOW_TO_FIX
    )


def test_every_translation_keeps_the_placeholders_of_its_msgid():
    broken = []
    for message in _po():
        if not message.id or not _translated(message):
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, translation in enumerate(strings):
            source = ids[min(index, len(ids) - 1)]
            want = Counter(PLACEHOLDER.findall(source))
            got = Counter(PLACEHOLDER.findall(translation))
            if want != got:
                broken.append(
                    f"{source!r} -> {translation!r}: expected {sorted(want.elements())}, "
                    f"got {sorted(got.elements())}"
                )
    assert broken == [], (
        "translations whose placeholders (%(x)s, %s, {x}, HTML tags/entities) differ from "
        f"their msgid; fix the msgstr in {PO_PATH.relative_to(ROOT)} and recompile:\n"
        + _listing(broken)
    )


def test_the_committed_mo_is_the_compiled_po():
    def table(catalogue: Catalog) -> dict:
        # read_mo gives plural ids and strings as lists, read_po as tuples.
        def frozen(value):
            return tuple(value) if isinstance(value, list | tuple) else value

        return {
            (frozen(m.id), m.context): frozen(m.string)
            for m in catalogue
            if m.id and not m.fuzzy and _translated(m)
        }

    with MO_PATH.open("rb") as f:
        compiled = table(read_mo(f))
    source = table(_po())
    stale = sorted(repr(_key(k[0])) for k in source if compiled.get(k) != source[k])
    extra = sorted(repr(_key(k[0])) for k in compiled if k not in source)
    assert not stale and not extra, (
        f"{MO_PATH.relative_to(ROOT)} does not match the .po "
        f"({len(stale)} missing or different, {len(extra)} not in the .po):\n"
        + _listing(stale + extra)
        + "\nRecompile: .venv/bin/pybabel compile -d outlet_pos/translations -l en"
    )


# ---------------------------------------------------------------- pages rendered in English


# Navigation labels whose English is the Indonesian word itself (e.g. an acronym such as
# "SHU" standing alone); add one here only when the catalogue's msgstr equals its msgid.
SAME_IN_BOTH_LANGUAGES: frozenset[str] = frozenset()


def _nav_texts(page: str) -> list[str]:
    """The group titles and link labels of the side navigation, as a person reads them."""
    nav = page.split('<nav class="sidenav"', 1)[1].split("</nav>", 1)[0]
    nav = nav.split('<div class="nav-group lang">', 1)[0]  # language names stay as they are
    titles = re.findall(r'<div class="nav-title">(.*?)</div>', nav, re.S)
    labels = re.findall(r'<span class="icon"[^>]*>.*?</span>(.*?)</a>', nav, re.S)
    return [html.unescape(t).strip() for t in titles + labels]


def _nav_vocabulary(app) -> tuple[set[str], set[str]]:
    """(English, Indonesian) texts of every NAV entry: the app's catalogue and the msgids."""
    from flask_babel import force_locale

    from outlet_pos.shell.nav import NAV

    lazies = [g["title"] for g in NAV] + [item[1] for g in NAV for item in g["items"]]
    with app.test_request_context():
        with force_locale("id"):
            indonesian = [str(s) for s in lazies]
        with force_locale("en"):
            english = [str(s) for s in lazies]
    # Measured against the msgids themselves, not the catalogue: a label the catalogue leaves
    # in Indonesian must count as untranslated, so only words spelt the same in both
    # languages (none in NAV today) are let through.
    return set(english), set(indonesian) - SAME_IN_BOTH_LANGUAGES


def test_pages_in_english_show_english_navigation(app, client, login, web_user):
    web_user("tr_admin", "pengurus", is_admin=True)
    login(client, "tr_admin")
    english, indonesian = _nav_vocabulary(app)

    # Indonesian by default: the check below must be able to tell the two apart.
    page = client.get("/").get_data(as_text=True)
    assert "Beranda" in _nav_texts(page)

    # The language switch in the side navigation (shell.set_language) posts here.
    resp = client.post("/bahasa/en", data={"next": "/"})
    assert resp.status_code == 302

    with app.test_request_context():
        from flask import url_for

        pages = [
            url_for("shell.home"),
            url_for("bendahara.trial_balance_page"),
            url_for("simpin.members_list"),
            url_for("shell.change_password"),
        ]
    for url in pages:
        resp = client.get(url)
        assert resp.status_code == 200, url
        page = resp.get_data(as_text=True)
        assert '<html lang="en">' in page, url
        texts = _nav_texts(page)
        for expected in ("Home", "Bookkeeping", "Trial balance", "Savings & Loans",
                         "Administration", "Users & roles", "Change password"):
            assert expected in texts, (url, expected, texts)
        still_indonesian = [t for t in texts if t in indonesian]
        unknown = [t for t in texts if t not in english]
        assert still_indonesian == [] and unknown == [], (
            f"{url}: navigation labels not in English: {still_indonesian or unknown}\n"
            + HOW_TO_FIX
        )

    # The page's own heading, not only the navigation (the <title> block of this template is
    # not marked for translation yet, so only <main> is checked).
    main = client.get(pages[1]).get_data(as_text=True).split('<main id="main"', 1)[1]
    assert "<h1>Trial balance</h1>" in main and "Neraca saldo" not in main
