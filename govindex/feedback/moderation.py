"""What may be shown to the public: personal data and profanity masked, uploads checked.

Pure functions (no database). Masking runs before anything is published: the public description
of a case is masked when the case is received, the public answer when it is written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from govindex.errors import ApplicationError

MASK = "•"

#: Citizen identity card (CCCD, 12 digits) and the older identity card (CMND, 9 digits),
#: written as one run of digits.
ID_NUMBER = re.compile(r"(?<![\d+])(?:\d{12}|\d{9})(?!\d)")
#: Vietnamese phone numbers: 0 or +84/84 and 9–10 more digits, with optional spaces, dots or
#: dashes between groups (0912 345 678, 091.234.5678, +84 912 345 678, 024 3825 1234).
PHONE = re.compile(r"(?<![\d+])(?:\+84|84|0)(?:[ .\-]?\d){8,10}(?!\d)")
EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")

#: Words masked on public pages (Vietnamese with and without diacritics where the plain form is
#: not an ordinary word, and common English ones). Matched as whole words, case-insensitively.
PROFANITY = (
    "địt",
    "đụ",
    "đù má",
    "đm",
    "đcm",
    "dcm",
    "vcl",
    "vkl",
    "vãi lồn",
    "lồn",
    "cặc",
    "buồi",
    "đĩ",
    "đéo",
    "mẹ mày",
    "óc chó",
    "thằng chó",
    "fuck",
    "fucking",
    "shit",
    "bitch",
    "asshole",
    "cunt",
)
PROFANITY_PATTERN = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(word) for word in sorted(PROFANITY, key=len, reverse=True))
    + r")(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ModeratedText:
    text: str
    phones: int
    id_numbers: int
    emails: int
    profanities: int

    @property
    def changed(self) -> bool:
        return bool(self.phones or self.id_numbers or self.emails or self.profanities)


def _mask_digits(match: re.Match[str]) -> str:
    return re.sub(r"\d", MASK, match.group(0))


def moderate_text(text: str) -> ModeratedText:
    """Mask identity numbers, phone numbers, e-mail addresses and profanity in ``text``
    (normalised to NFC first, so decomposed Vietnamese letters match the word list)."""
    text = unicodedata.normalize("NFC", text)
    text, id_numbers = ID_NUMBER.subn(_mask_digits, text)
    text, phones = PHONE.subn(_mask_digits, text)
    text, emails = EMAIL.subn(lambda m: MASK * 3 + "@" + MASK * 3, text)
    text, profanities = PROFANITY_PATTERN.subn(lambda m: "*" * len(m.group(0)), text)
    return ModeratedText(text, phones, id_numbers, emails, profanities)


def mask_personal_data(text: str) -> str:
    return moderate_text(text).text


# Uploads ---------------------------------------------------------------------------------------

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 4
PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def photo_type(head: bytes) -> str | None:
    """The image type from the first bytes of a file (never from its name or the browser)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def photo_check(data: bytes, *, name: str = "") -> str:
    """The content type of an acceptable photo, or an ``ApplicationError`` saying what is wrong."""
    label = name or _("the photo")
    if not data:
        raise ApplicationError(
            str(_("%(name)s is empty.") % {"name": label}), code="photo_empty", status=400
        )
    if len(data) > MAX_PHOTO_BYTES:
        raise ApplicationError(
            str(
                _("%(name)s is larger than %(limit)d MB.")
                % {"name": label, "limit": MAX_PHOTO_BYTES // (1024 * 1024)}
            ),
            code="photo_too_large",
            status=400,
        )
    content_type = photo_type(data[:16])
    if content_type is None:
        raise ApplicationError(
            str(_("%(name)s is not a JPEG, PNG or WebP image.") % {"name": label}),
            code="photo_type",
            status=400,
        )
    return content_type
