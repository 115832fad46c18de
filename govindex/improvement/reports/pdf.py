"""A report as HTML (the page on screen, the document to print) and as PDF (WeasyPrint).

One template per report, ``improvement/report/unit.html`` and ``city.html``: on screen it extends
the site's ``portal/base.html``; for the PDF it extends ``improvement/report/print_base.html``,
which adds the page rules (A4, running header with the unit and the round, "Trang X / Y").

WeasyPrint fetches the report's stylesheet through ``StaticFetcher``: static files are read
from disk (the apps' static folders, else ``STATIC_ROOT`` after ``collectstatic``) and ``data:``
URLs are decoded; anything else — another host, a file path, the network — is refused, so a
report never waits on, or leaks to, the outside.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from govindex.improvement.reports.city import CityReport
    from govindex.improvement.reports.unit import UnitReport

    Report = UnitReport | CityReport

#: The address the PDF's relative URLs resolve against; the ``.invalid`` domain never resolves,
#: and ``StaticFetcher`` serves only its static files.
BASE_URL = "https://report.govindex.invalid/"
SCREEN_BASE = "portal/base.html"
PRINT_BASE = "improvement/report/print_base.html"
TEMPLATES = {"unit": "improvement/report/unit.html", "city": "improvement/report/city.html"}


class FetchRefused(ValueError):
    """WeasyPrint asked for something that is not one of the application's static files."""


def static_file(url: str) -> Path | None:
    """The file on disk behind a static URL as the report's page links it (``STATIC_URL``
    resolved against ``BASE_URL``); ``None`` for any other URL."""
    prefix = urljoin(BASE_URL, static(""))
    if not url.startswith(prefix):
        return None
    name = unquote(urlsplit(url[len(prefix) :]).path)
    if not name or name.startswith("/") or ".." in Path(name).parts:
        return None
    # The apps' own files first (a STATIC_ROOT left by an earlier collectstatic may be stale),
    # then the collected ones: in production the manifest storage names files by their hash.
    found = finders.find(name)
    if isinstance(found, list):
        found = found[0] if found else None
    if found:
        return Path(found)
    if getattr(settings, "STATIC_ROOT", None) and staticfiles_storage.exists(name):
        collected = Path(staticfiles_storage.path(name))
        if collected.is_file():
            return collected
    return None


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFetcher(URLFetcher):  # type: ignore[misc]
        """Static files from disk and ``data:`` URLs; every other URL is refused."""

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file(url)
            if path is None:
                raise FetchRefused(f"The report may read only static files; refused {url!r}.")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticFetcher


def static_fetcher() -> Any:
    """A WeasyPrint URL fetcher that reads static files from disk and refuses everything else."""
    return _fetcher_class()(allowed_protocols=("https", "data"), timeout=1)


def css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes, line breaks and ``<`` escaped, so
    it can sit inside a ``<style>`` element)."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    )
    return f'"{escaped}"'


def page_counter() -> str:
    """The CSS ``content`` of the page number in the active language: ``"Trang " counter(page)
    " / " counter(pages)`` in Vietnamese."""
    # Translators: page numbers at the foot of a printed report (Vietnamese: Trang X / Y).
    text = _("Page {page} of {pages}")
    counters = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
    parts = [
        counters.get(piece) or css_string(piece)
        for piece in re.split(r"(\{pages?\})", text)
        if piece
    ]
    return " ".join(parts)


def report_html(report: Report, *, request: HttpRequest | None = None, printed: bool) -> str:
    """The report's HTML: the page on screen (``request`` given, the site's frame around it) or
    the document WeasyPrint prints."""
    context: dict[str, Any] = {
        "report": report,
        "base_template": PRINT_BASE if printed else SCREEN_BASE,
        "printed": printed,
    }
    with translation.override(report.language):
        if not printed:
            names = {
                code: str(get_language_info(code)["name_local"])
                for code, _name in settings.LANGUAGES
            }
            context["languages"] = [
                (code, name[:1].upper() + name[1:]) for code, name in names.items()
            ]
        if printed:
            context["page_counter"] = page_counter()
            context["running_header"] = css_string(f"{report.unit_name} · {report.round.name}")
        return render_to_string(TEMPLATES[report.kind], context, request=request)


def report_pdf(report: Report) -> bytes:
    """The report as a PDF (A4), printed by WeasyPrint from the report's template."""
    from weasyprint import HTML

    html = report_html(report, printed=True)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=static_fetcher())
    return bytes(document.write_pdf())
