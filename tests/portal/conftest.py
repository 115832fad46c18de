"""Fixtures of the dashboard tests: the test frameworks, the two-round scenario, clients."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from pytest_django.fixtures import Settings

from tests.portal.dashboard_fixtures import Dashboards, build_dashboards

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"


@pytest.fixture
def test_frameworks(settings: Settings) -> Path:
    """Score rounds with the small frameworks under tests/fixtures/frameworks."""
    settings.GOVINDEX_FRAMEWORKS_DIR = FRAMEWORKS
    return FRAMEWORKS


@pytest.fixture
def dashboards(db: None, test_frameworks: Path) -> Dashboards:
    return build_dashboards()


@pytest.fixture
def client_for() -> Callable[..., Client]:
    """``client_for(user, language="en")``: a test client signed in as ``user`` (anonymous for
    ``None``) asking for pages in ``language``."""

    def make(user: AbstractBaseUser | None, language: str = "en", **options: Any) -> Client:
        client = Client(headers={"Accept-Language": language}, **options)
        if user is not None:
            client.force_login(user)
        return client

    return make


class TableParser(HTMLParser):
    """The text of the cells of every ``<table>``: ``tables[i]`` is a list of rows (the header
    row included), each a list of cell texts with spaces collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def page_tables(html: str) -> list[list[list[str]]]:
    parser = TableParser()
    parser.feed(html)
    return parser.tables
