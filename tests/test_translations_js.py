"""django-otp-webauthn's passkey scripts speak Japanese too.

The package's scripts call gettext() on strings served by /webauthn/jsi18n/, a
JavaScriptCatalog(packages=["django_otp_webauthn"]) of the "djangojs" domain. The
package ships no Japanese, so ours is locale/ja/LC_MESSAGES/djangojs.po: Django's
DjangoTranslation merges the catalogues of LOCALE_PATHS after (over) the package's.
"""

import json
import re
from pathlib import Path

import django_otp_webauthn
import pytest
from asgiref.local import Local
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.urls import reverse
from django.utils.translation import trans_real

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "locale" / "ja" / "LC_MESSAGES" / "djangojs.po"
PACKAGE_SCRIPTS = sorted((Path(django_otp_webauthn.__file__).parent / "static" / "django_otp_webauthn").glob("*.js"))

# A JavaScript string literal in single or double quotes (no template literals: gettext needs a constant).
JS_STRING = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
# gettext("…") and ngettext("…", "…", n); \b keeps gettext( from matching inside ngettext(.
GETTEXT_CALL = re.compile(
    rf"\b(?P<function>n?gettext)\(\s*(?P<singular>{JS_STRING})(?:\s*,\s*(?P<plural>{JS_STRING}))?"
)
ANY_GETTEXT_CALL = re.compile(r"\bn?gettext\(")

REGISTRATION_SUCCESSFUL_EN = "Registration successful!"
REGISTRATION_SUCCESSFUL_JA = "パスキーを登録しました。"


JS_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\n|.)")
JS_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0", "\n": ""}


def _js_string(literal: str) -> str:
    """The value of a quoted JavaScript string literal."""

    def unescape(match: re.Match) -> str:
        escape = match[1]
        if escape[0] in "ux" and len(escape) > 1:
            return chr(int(escape[1:].strip("{}"), 16))
        return JS_SIMPLE_ESCAPES.get(escape, escape)

    return JS_ESCAPE.sub(unescape, literal[1:-1])


def _msgids_in_scripts() -> dict[str | tuple[str, str], list[str]]:
    """Each msgid (a str, or (singular, plural) for ngettext) with the scripts that use it."""
    found: dict[str | tuple[str, str], list[str]] = {}
    for script in PACKAGE_SCRIPTS:
        source = script.read_text(encoding="utf-8")
        calls = list(GETTEXT_CALL.finditer(source))
        assert len(calls) == len(ANY_GETTEXT_CALL.findall(source)), (
            f"{script.name} calls gettext()/ngettext() on something other than a string literal; "
            "this test cannot see those msgids"
        )
        for call in calls:
            singular = _js_string(call["singular"])
            if call["function"] == "ngettext":
                assert call["plural"], f"{script.name}: ngettext({call['singular']}, …) without a literal plural"
                msgid = (singular, _js_string(call["plural"]))
            else:
                msgid = singular
            found.setdefault(msgid, []).append(script.name)
    return found


def _read_catalog():
    with PO_FILE.open("rb") as handle:
        return read_po(handle, locale="ja", domain="djangojs")


@pytest.fixture(scope="module")
def catalog():
    assert PO_FILE.is_file(), f"{PO_FILE.relative_to(ROOT)} is missing"
    return _read_catalog()


def test_header_declares_japanese_utf8_and_one_plural_form(catalog):
    headers = dict(catalog.mime_headers)
    assert headers.get("Language") == "ja"
    assert "charset=utf-8" in headers.get("Content-Type", "").lower()
    assert headers.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert not catalog.fuzzy, "the header entry is still marked fuzzy"


def test_every_msgid_in_the_package_scripts_is_translated(catalog):
    in_scripts = _msgids_in_scripts()
    assert PACKAGE_SCRIPTS, "django-otp-webauthn's scripts were not found"
    assert REGISTRATION_SUCCESSFUL_EN in in_scripts, "extraction found too little; has the package changed?"

    translated = {}
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else tuple(message.id)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        ok = "fuzzy" not in message.flags and all(s and s.strip() for s in strings)
        if message.pluralizable:
            ok = ok and len(strings) == 1  # Japanese has one plural form
        translated[msgid] = ok

    missing = [
        f"{msgid!r}  ({', '.join(sorted(set(files)))})"
        for msgid, files in in_scripts.items()
        if msgid not in translated
    ]
    unfinished = [repr(msgid) for msgid in in_scripts if translated.get(msgid) is False]
    assert not missing, "msgids in django-otp-webauthn's scripts missing from djangojs.po:\n  " + "\n  ".join(missing)
    assert not unfinished, "untranslated or fuzzy in djangojs.po:\n  " + "\n  ".join(unfinished)


def _reset_translations():
    """Django caches translation objects and the active language per thread."""
    trans_real._translations.clear()
    trans_real._active = Local()
    trans_real._default = None


@pytest.fixture
def compiled_js_catalog(tmp_path, settings):
    """Serve djangojs.po as it is now, whether or not `make messages` ran."""
    target = tmp_path / "ja" / "LC_MESSAGES" / "djangojs.mo"
    target.parent.mkdir(parents=True)
    with target.open("wb") as handle:
        write_mo(handle, _read_catalog())
    _reset_translations()
    settings.LOCALE_PATHS = [tmp_path]
    yield
    _reset_translations()


def _served_catalog(client, language: str) -> dict:
    response = client.get(reverse("otp_webauthn:js-i18n-catalog"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    script = response.content.decode()
    # The view writes the catalogue as ASCII-escaped JSON: `const newcatalog = {...};`
    match = re.search(r"const newcatalog = (\{.*?\});\n", script, re.DOTALL)
    return json.loads(match[1]) if match else {}


def test_passkey_script_catalog_is_japanese_for_a_japanese_browser(compiled_js_catalog, signed_in, nyc_clerk):
    served = _served_catalog(signed_in(nyc_clerk), "ja")
    assert served.get(REGISTRATION_SUCCESSFUL_EN) == REGISTRATION_SUCCESSFUL_JA
    assert served.get("Register a Passkey") == "パスキーを登録"


def test_passkey_script_catalog_stays_english_for_an_english_browser(compiled_js_catalog, signed_in, nyc_clerk):
    served = _served_catalog(signed_in(nyc_clerk), "en")
    assert REGISTRATION_SUCCESSFUL_EN not in served  # no entry: gettext() returns the English msgid
