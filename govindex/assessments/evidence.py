"""Checks on an uploaded evidence file: its real type from its first bytes (not from its name
or the browser's claim), its size, and a display name that cannot name a path."""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import IO

from django.utils.translation import gettext as _

from govindex.assessments.formatting import points_text
from govindex.errors import ApplicationError

PDF, PNG, JPEG = b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"
ZIP, OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class FileKind:
    extensions: tuple[str, ...]
    content_type: str
    signature: bytes
    zip_member: str = ""  # office formats are ZIP files that hold this member


KINDS = (
    FileKind((".pdf",), "application/pdf", PDF),
    FileKind((".png",), "image/png", PNG),
    FileKind((".jpg", ".jpeg"), "image/jpeg", JPEG),
    FileKind(
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIP,
        "word/document.xml",
    ),
    FileKind(
        (".xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ZIP,
        "xl/workbook.xml",
    ),
    FileKind(
        (".pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ZIP,
        "ppt/presentation.xml",
    ),
    FileKind((".odt",), "application/vnd.oasis.opendocument.text", ZIP, "content.xml"),
    FileKind((".ods",), "application/vnd.oasis.opendocument.spreadsheet", ZIP, "content.xml"),
    FileKind((".doc",), "application/msword", OLE),
    FileKind((".xls",), "application/vnd.ms-excel", OLE),
)
ACCEPTED_EXTENSIONS = tuple(extension for kind in KINDS for extension in kind.extensions)


def safe_display_name(name: str) -> str:
    """The last component of whatever path the browser sent (``../../x.pdf`` → ``x.pdf``), with
    control characters removed; it is only shown, never used as a path."""
    last = PureWindowsPath(PurePosixPath(name).name).name
    cleaned = "".join(ch for ch in last if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(cleaned) > 200:  # shorten the stem: the extension decides the file's type
        suffix = PurePosixPath(cleaned).suffix[:16]
        cleaned = cleaned[: 200 - len(suffix)].rstrip(" .") + suffix
    return cleaned or "evidence"


def check_evidence_file(name: str, stream: IO[bytes], size: int, *, max_bytes: int) -> FileKind:
    """The kind of an acceptable file, or ``ApplicationError`` saying what is wrong with it."""
    display = safe_display_name(name)
    if size <= 0:
        raise ApplicationError(_("%(name)s is empty.") % {"name": display}, code="evidence_empty")
    if size > max_bytes:
        raise ApplicationError(
            _("%(name)s is %(size)s MB; files may be at most %(max)s MB.")
            % {
                "name": display,
                "size": points_text(round(size / 1_048_576, 1)),
                "max": points_text(round(max_bytes / 1_048_576)),
            },
            code="evidence_too_big",
            status=413,
        )
    extension = PurePosixPath(display.lower()).suffix
    candidates = [kind for kind in KINDS if extension in kind.extensions]
    if not candidates:
        raise ApplicationError(
            _("%(name)s: files of type %(type)s are not accepted. Accepted: %(accepted)s.")
            % {
                "name": display,
                "type": extension or _("(none)"),
                "accepted": ", ".join(ACCEPTED_EXTENSIONS),
            },
            code="evidence_type",
            status=415,
        )
    kind = candidates[0]
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if not head.startswith(kind.signature) or (kind.zip_member and not _zip_has(stream, kind)):
        raise ApplicationError(
            _(
                "%(name)s is named %(type)s but its content is not a %(type)s file. "
                "Save it again in that format, or give it its real extension."
            )
            % {"name": display, "type": extension},
            code="evidence_content",
            status=415,
        )
    return kind


def _zip_has(stream: IO[bytes], kind: FileKind) -> bool:
    try:
        with zipfile.ZipFile(stream) as archive:
            return kind.zip_member in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        stream.seek(0)
