"""The Japanese catalog is complete, in step with the code, and what the pages actually show.

English is the source language; locale/ja/LC_MESSAGES/django.po is refreshed with
    manage.py makemessages -l ja --ignore=.venv --ignore=var --ignore=tests --ignore=bench
and compiled by `make messages` (the .mo files are build output, not committed).
"""

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.po"
# The same exclusions as the documented makemessages command above.
MAKEMESSAGES_IGNORE = [".venv", "var", "tests", "bench"]

# %(name)s / %(count)d style (named or positional) and {name} / {} style placeholders.
PERCENT_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACE_PLACEHOLDER = re.compile(r"\{[^{}\s]*\}")


def _read_catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, locale="ja")


def _key(message) -> tuple[str | None, str | tuple[str, ...]]:
    msgid = message.id if isinstance(message.id, str) else tuple(message.id)
    return message.context, msgid


def _placeholders(text: str) -> set[str]:
    return {p for p in PERCENT_PLACEHOLDER.findall(text) if p != "%%"} | set(BRACE_PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def catalog():
    assert PO_FILE.is_file(), f"{PO_FILE.relative_to(ROOT)} is missing"
    return _read_catalog(PO_FILE)


def _messages(catalog):
    return [message for message in catalog if message.id]


def test_header_declares_japanese_utf8_and_one_plural_form(catalog):
    headers = dict(catalog.mime_headers)
    assert headers.get("Language") == "ja"
    assert "charset=utf-8" in headers.get("Content-Type", "").lower()
    assert headers.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert not catalog.fuzzy, "the header entry is still marked fuzzy"


def test_every_message_is_translated_and_not_fuzzy(catalog):
    messages = _messages(catalog)
    assert len(messages) > 100, "the catalog looks truncated"
    untranslated = []
    fuzzy = []
    for message in messages:
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.pluralizable and len(strings) != 1:
            untranslated.append(f"{message.id!r}: Japanese has one plural form, found {len(strings)} msgstr[n]")
        elif not all(s and s.strip() for s in strings):
            untranslated.append(repr(message.id))
        if "fuzzy" in message.flags:
            fuzzy.append(repr(message.id))
    assert not untranslated, "untranslated in django.po:\n  " + "\n  ".join(untranslated)
    assert not fuzzy, "fuzzy (unchecked) entries in django.po:\n  " + "\n  ".join(fuzzy)


def test_placeholders_are_kept(catalog):
    wrong = []
    for message in _messages(catalog):
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        # Japanese has one plural form: its msgstr[0] carries the placeholders of both source forms.
        expected = set().union(*(_placeholders(msgid) for msgid in ids))
        for string in strings:
            if _placeholders(string) != expected:
                wrong.append(f"{message.id!r}\n    -> {string!r}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n  " + "\n  ".join(wrong)


@pytest.mark.gettext
def test_no_translatable_string_in_the_code_is_missing_from_the_catalog(tmp_path, monkeypatch, settings):
    """Run makemessages over a copy of the source tree, into an empty locale dir, and compare with django.po."""
    for tool in ("xgettext", "msguniq", "msgmerge"):
        if shutil.which(tool) is None:
            pytest.fail(
                f"`{tool}` was not found: this check needs GNU gettext to extract messages. "
                "Install it (Debian/Ubuntu: `apt-get install gettext`; macOS: `brew install gettext`)."
            )
    tree = tmp_path / "tree"
    tree.mkdir()
    for entry in ROOT.iterdir():
        if entry.name.startswith(".") or entry.name in MAKEMESSAGES_IGNORE or entry.name == "locale":
            continue
        if entry.is_dir():
            shutil.copytree(entry, tree / entry.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(entry, tree / entry.name)
    (tree / "locale").mkdir()
    settings.LOCALE_PATHS = [tree / "locale"]
    monkeypatch.chdir(tree)

    call_command(
        "makemessages",
        locale=["ja"],
        ignore_patterns=list(MAKEMESSAGES_IGNORE),
        verbosity=0,
        stdout=StringIO(),
        stderr=StringIO(),
    )

    extracted = _read_catalog(tree / "locale" / "ja" / "LC_MESSAGES" / "django.po")
    in_code = {_key(message): message for message in extracted if message.id}
    assert (None, "Sign in") in in_code, "extraction found too little; is the source tree copied?"
    in_catalog = {_key(message) for message in _messages(_read_catalog(PO_FILE))}
    missing = [
        f"{msgid!r}  ({', '.join(f'{path}:{line}' for path, line in in_code[(context, msgid)].locations)})"
        for context, msgid in sorted(in_code.keys() - in_catalog, key=str)
    ]
    assert not missing, (
        "translatable strings in the code are not in locale/ja/LC_MESSAGES/django.po; run\n"
        f"  manage.py makemessages -l ja {' '.join(f'--ignore={p}' for p in MAKEMESSAGES_IGNORE)}\n"
        "and translate them:\n  " + "\n  ".join(missing)
    )


@pytest.fixture
def compiled_catalog(tmp_path, settings):
    """Serve the translations from the current django.po, whether or not `make messages` ran."""
    locale_dir = tmp_path / "locale"
    target = locale_dir / "ja" / "LC_MESSAGES" / "django.mo"
    target.parent.mkdir(parents=True)
    with target.open("wb") as handle:
        write_mo(handle, _read_catalog(PO_FILE))
    settings.LOCALE_PATHS = [locale_dir]


SIGN_IN_NOTE_EN = "After your password you will be asked for a code from your authenticator app or a passkey."
SIGN_IN_NOTE_JA = "パスワードの入力後、認証アプリの確認コードまたはパスキーによる認証を求められます。"


def test_sign_in_page_is_japanese_for_a_japanese_browser(db, client, compiled_catalog):
    response = client.get(reverse("accounts:sign_in"), HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert SIGN_IN_NOTE_JA in html
    assert SIGN_IN_NOTE_EN not in html
    assert "<h1>ログイン</h1>" in html
    assert "Sign in" not in html


def test_sign_in_page_is_english_for_an_english_browser(db, client, compiled_catalog):
    response = client.get(reverse("accounts:sign_in"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert SIGN_IN_NOTE_EN in html
    assert SIGN_IN_NOTE_JA not in html
