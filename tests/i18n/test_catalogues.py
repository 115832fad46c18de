"""The translation catalogues (govindex/locale): complete, compiled, and served in each language.

Vietnamese is the default language, so an empty or fuzzy Vietnamese entry shows English to a
civil servant; these tests fail on it. The .po and the compiled .mo files are both committed
(``scripts/messages`` regenerates them); a .mo that lags behind its .po is caught here too.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

LOCALE = Path(settings.LOCALE_PATHS[0])
LANGUAGES = [code for code, _name in settings.LANGUAGES]
TRANSLATED = ["vi", "id"]  # en is filled from the English msgids
NPLURALS = {"vi": 1, "id": 1, "en": 2}
FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (obsolete ``#~`` entries left out; the header included)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None

    def start(line_number: int) -> Entry:
        entry = Entry(line=line_number)
        entries.append(entry)
        return entry

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                current, target = None, None
            continue
        if line.startswith("#,"):
            if current is None or current.msgstr:
                current = start(number)
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            if current is not None and current.msgstr:
                current, target = None, None
            continue
        keyword = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if keyword:
            name, index, value = keyword.group(1), keyword.group(2), _unquote(keyword.group(3))
            if name in ("msgctxt", "msgid") and (current is None or current.msgstr):
                current = start(number)
            if current is None:
                current = start(number)
            if name == "msgctxt":
                current.msgctxt, target = value, ("msgctxt", 0)
            elif name == "msgid":
                current.msgid, target = value, ("msgid", 0)
            elif name == "msgid_plural":
                current.msgid_plural, target = value, ("msgid_plural", 0)
            else:
                slot = int(index) if index is not None else 0
                current.msgstr[slot], target = value, ("msgstr", slot)
            continue
        if line.startswith('"') and current is not None and target is not None:
            value = _unquote(line)
            kind, slot = target
            if kind == "msgstr":
                current.msgstr[slot] += value
            else:
                setattr(current, kind, (getattr(current, kind) or "") + value)
            continue
        raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    return entries


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def messages(language: str) -> list[Entry]:
    return [entry for entry in parse_po(po_path(language)) if entry.msgid]


def header(language: str) -> str:
    return next(entry for entry in parse_po(po_path(language)) if not entry.msgid).msgstr[0]


def describe(entry: Entry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"line {entry.line}: {context}{entry.msgid[:70]!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_a_catalogue_with_its_plural_forms(language: str) -> None:
    assert po_path(language).is_file()
    assert po_path(language).with_suffix(".mo").is_file()
    assert f"Language: {language}\n" in header(language)
    assert f"nplurals={NPLURALS[language]};" in header(language)
    assert messages(language), "an empty catalogue"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_empty_or_fuzzy(language: str) -> None:
    entries = messages(language)
    empty = [describe(e) for e in entries if not e.msgstr or any(not s for s in e.msgstr.values())]
    fuzzy = [describe(e) for e in entries if "fuzzy" in e.flags]
    assert not empty, f"{len(empty)} untranslated in {language}: {empty[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {language}: {fuzzy[:10]}"
    assert not [entry for entry in parse_po(po_path(language)) if not entry.msgid and entry.flags]


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_have_exactly_the_language_forms(language: str) -> None:
    wrong = [
        describe(e)
        for e in messages(language)
        if e.msgid_plural is not None and sorted(e.msgstr) != list(range(NPLURALS[language]))
    ]
    assert not wrong


def test_the_catalogues_hold_the_same_messages() -> None:
    keys = {language: {(e.msgctxt, e.msgid) for e in messages(language)} for language in LANGUAGES}
    assert keys["vi"] == keys["id"] == keys["en"]


FORMAT_SPECIFIER = re.compile(r"%(?:\((\w+)\))?[-+ #0]*\d*(?:\.\d+)?([sdifr%])")


def format_specifiers(text: str) -> list[str]:
    return sorted(f"{name or ''}{kind}" for name, kind in FORMAT_SPECIFIER.findall(text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_format_specifiers(language: str) -> None:
    """%(name)s, %d and %% as in the msgid (the plural msgid for a one-form language)."""
    wrong = []
    for entry in messages(language):
        if "python-format" not in entry.flags:
            continue
        for slot, text in entry.msgstr.items():
            source = entry.msgid if slot == 0 and language == "en" else entry.msgid_plural
            source = entry.msgid if source is None else source
            if format_specifiers(text) != format_specifiers(source):
                wrong.append(describe(entry))
    assert not wrong


@pytest.mark.parametrize("language", TRANSLATED)
def test_links_and_markup_survive_translation(language: str) -> None:
    wrong = [
        describe(e)
        for e in messages(language)
        if re.findall(r"</?\w+", e.msgid) != re.findall(r"</?\w+", e.msgstr[0])
    ]
    assert not wrong


# Letters that occur in Vietnamese but not in English: a msgid holding one was written in
# Vietnamese, and Indonesian or English readers would see it untranslated.
VIETNAMESE_LETTERS = re.compile(
    "[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE
)
# Proper names kept in Vietnamese inside English text: the currency, the "4 không" programme,
# and the numbering of decisions (766/QĐ-TTg, 5666/QĐ-UBND).
VIETNAMESE_NAMES = re.compile(r"đồng|“4 không”|QĐ-[A-Z]+")


def test_msgids_are_english() -> None:
    vietnamese = [
        describe(e)
        for e in messages("en")
        if VIETNAMESE_LETTERS.search(VIETNAMESE_NAMES.sub("", e.msgid))
    ]
    assert not vietnamese


# The official terms of docs/glossary.md, so that a rewording of one screen does not drift.
GLOSSARY = {
    "Rankings": ("Xếp hạng", "Peringkat"),
    "Self-assessment": ("Tự đánh giá", "Penilaian mandiri"),
    "Appraisal": ("Thẩm định", "Verifikasi penilaian"),
    "Sociological survey": ("Điều tra xã hội học", "Survei sosiologis"),
    "Evidence": ("Tài liệu kiểm chứng", "Dokumen bukti"),
    "Criterion": ("Tiêu chí", "Kriteria"),
    "Area": ("Lĩnh vực", "Bidang"),
    "Unit": ("Đơn vị", "Unit"),
    "Class": ("Xếp loại", "Klasifikasi"),
    "Assessment round": ("Kỳ đánh giá", "Periode penilaian"),
    "Administrative reform index": ("Chỉ số cải cách hành chính", "Indeks Reformasi Administrasi"),
    "on time": ("đúng hạn", "tepat waktu"),
    "Cashless": ("Không dùng tiền mặt", "Tanpa uang tunai"),
    "full-process online": ("trực tuyến toàn trình", "daring penuh"),
    "Department": ("Sở", "Dinas"),
    "Ward": ("Phường", "Kelurahan"),
    "Commune": ("Xã", "Desa"),
}


@pytest.mark.parametrize("msgid", sorted(GLOSSARY))
def test_glossary_terms_are_used(msgid: str) -> None:
    for language, expected in zip(TRANSLATED, GLOSSARY[msgid], strict=True):
        found = [e.msgstr[0] for e in messages(language) if e.msgid == msgid and not e.msgctxt]
        assert found == [expected], (language, msgid, found)


def catalogue_of(entries: list[Entry]) -> dict[object, str]:
    """The entries as ``GNUTranslations._catalog`` holds them (fuzzy entries are not compiled)."""
    catalogue: dict[object, str] = {}
    for entry in entries:
        if "fuzzy" in entry.flags and entry.msgid:
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            catalogue[key] = entry.msgstr[0]
        else:
            for slot, text in entry.msgstr.items():
                catalogue[(key, slot)] = text
    return catalogue


def compiled(mo: Path) -> dict[object, str]:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


def without_creation_date(catalogue: dict[object, str]) -> dict[object, str]:
    """msgfmt leaves the POT-Creation-Date out of the compiled header; so does the comparison."""
    header_text = re.sub(r"POT-Creation-Date: [^\n]*\n", "", catalogue.get("", ""))
    return {**catalogue, "": header_text}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_mo_file_is_compiled_from_the_current_po(language: str) -> None:
    po = po_path(language)
    expected = without_creation_date(catalogue_of(parse_po(po)))
    actual = without_creation_date(compiled(po.with_suffix(".mo")))
    stale = sorted(str(k)[:60] for k in expected.keys() ^ actual.keys())
    changed = sorted(
        str(k)[:60] for k in expected.keys() & actual.keys() if expected[k] != actual[k]
    )
    assert not stale and not changed, (
        f"{po.with_suffix('.mo')} is out of date ({len(stale)} added or removed, "
        f"{len(changed)} changed: {(stale + changed)[:5]}); run scripts/messages --compile"
    )


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_accepts_the_po_and_makes_the_committed_mo(language: str, tmp_path: Path) -> None:
    po = po_path(language)
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(fresh), str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert compiled(fresh) == compiled(po.with_suffix(".mo"))


# --- served pages ---------------------------------------------------------------------------

NAV = {"vi": "Xếp hạng", "en": "Rankings", "id": "Peringkat"}
FOOTER = {
    "vi": "Điểm được tính từ kết quả tự đánh giá",
    "en": "Scores are computed from self-assessments",
    "id": "Nilai dihitung dari penilaian mandiri",
}


def page(client: Client, url: str = "/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_page_follows_accept_language(language: str) -> None:
    html = page(Client(headers={"Accept-Language": language}))
    assert f'<html lang="{language}">' in html
    assert f">{NAV[language]}</a>" in html
    assert FOOTER[language] in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_cookie_wins_over_accept_language(language: str) -> None:
    client = Client(headers={"Accept-Language": "en" if language != "en" else "vi"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = page(client)
    assert f'<html lang="{language}">' in html
    assert f">{NAV[language]}</a>" in html


@pytest.mark.django_db
def test_vietnamese_is_the_default() -> None:
    html = page(Client(headers={"Accept-Language": "fr-FR,fr;q=0.9"}))
    assert '<html lang="vi">' in html
    assert ">Xếp hạng</a>" in html


@pytest.mark.django_db
def test_the_switcher_changes_the_language() -> None:
    client = Client(headers={"Accept-Language": "vi"})
    assert re.search(r'<option value="vi"[^>]* selected>', page(client))
    response = client.post(reverse("set_language"), {"language": "id", "next": "/heatmap/"})
    assert response.status_code == 302 and response["Location"] == "/heatmap/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "id"
    html = page(client, "/heatmap/")
    assert '<html lang="id">' in html and ">Peta panas</a>" in html
    assert re.search(r'<option value="id"[^>]* selected>', html)


@pytest.mark.django_db
@pytest.mark.parametrize("current", LANGUAGES)
def test_the_switcher_names_each_language_in_itself(current: str) -> None:
    html = page(Client(headers={"Accept-Language": current}))
    for code, own_name in (("vi", "Tiếng Việt"), ("en", "English"), ("id", "Bahasa Indonesia")):
        # Django spells "Tiếng Việt" with combining accents (LANG_INFO); compare composed forms.
        options = re.findall(r"<option [^>]*>[^<]*</option>", unicodedata.normalize("NFC", html))
        assert any(f'value="{code}"' in o and f">{own_name}</option>" in o for o in options), (
            options
        )


# --- numbers and dates per language ------------------------------------------------------------


@pytest.fixture
def published_ranking(db: None, settings: Settings) -> object:
    from tests.portal.dashboard_fixtures import build_dashboards

    settings.GOVINDEX_FRAMEWORKS_DIR = FRAMEWORKS
    return build_dashboards()


# 00091 scored 22 of 24 points in the published 2024 round: 91.67 %.
SCORE = {"vi": "91,67", "id": "91,67", "en": "91.67"}
# "Scored at" in each language's SHORT_DATETIME_FORMAT.
SCORED_AT = {
    "vi": r"\d{2}:\d{2} \d{2}-\d{2}-\d{4}",
    "id": r"\d{2}-\d{2}-\d{4} \d{1,2}\.\d{2}",
    "en": r"\d{2}/\d{2}/\d{4} (\d{1,2}(:\d{2})? [ap]\.m\.|midnight|noon)",
}
SCORED_AT_LABEL = {"vi": "Thời điểm tính điểm", "id": "Dinilai pada", "en": "Scored at"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_ranking_page_formats_numbers_and_dates_for_the_language(
    published_ranking: object, language: str
) -> None:
    html = page(Client(headers={"Accept-Language": language}), "/")
    assert f">{SCORE[language]}</a>" in html
    other = SCORE["en"] if language != "en" else SCORE["vi"]
    assert f">{other}</a>" not in html
    label = SCORED_AT_LABEL[language]
    assert f"<dt>{label}</dt>" in html
    scored_at = re.search(rf"<dt>{label}</dt><dd>([^<]*)</dd>", html)
    assert scored_at and re.fullmatch(SCORED_AT[language], scored_at.group(1).strip()), scored_at
