"""Published headline results of the external indices for Hà Nội (and PCI peers), with sources.

Only figures found in a public source are listed; a figure that was not found is ``None`` (N/A),
never guessed. Where a source disagrees with another, the note says so.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govindex.scoring import load_framework

DATA_DIR = Path(__file__).resolve().parent / "data"
PCI_2019_FILE = DATA_DIR / "pci_2019_published.csv"
PCI_2019_SOURCE = (
    "VCCI, PCI 2019 sub-indices of 63 provinces/cities, "
    "https://pcivietnam.vn/en/pci-subindices-of-63-provincescities "
    "(govindex/demo/data/pci_2019_published.csv)"
)
PROVINCES = 63
HANOI = "Hà Nội"
DESIGN_SOURCE = "GovIndex DESIGN.md §4 (domain reference compiled from public sources)"


@dataclass(frozen=True)
class PublishedFigure:
    framework_id: str
    year: int
    territory: str
    score: float | None
    rank: int | None
    rank_of: int | None
    source: str
    note: str = ""
    sub_scores: dict[str, Any] = field(default_factory=dict)


HANOI_FIGURES: tuple[PublishedFigure, ...] = (
    PublishedFigure(
        "pci-vcci",
        2020,
        HANOI,
        66.93,
        9,
        PROVINCES,
        "VNA / VietnamPlus, 'Hanoi takes action to raise PCI ranking', "
        "https://en.vietnamplus.vn/hanoi-takes-action-to-raise-pci-ranking/202743.vnp",
        note=(
            "The article says '66.93 points, up 1.13 points from 2019', which does not match the "
            "published 2019 score (68.80); check the score against pcivietnam.vn."
        ),
    ),
    PublishedFigure(
        "pci-vcci",
        2021,
        HANOI,
        68.60,
        10,
        PROVINCES,
        "https://investinquangninh.vn/ja/pci (top-10 table: Hà Nội 68.6, 10th); rank also in "
        "Báo Nghệ An, https://baonghean.vn/provincial-competitiveness-index-pci-for-2022-"
        "released-and-nghe-ans-ranking-increases-by-7-places-post267904.html "
        "('In PCI 2021, Hà Nội ranked 10th')",
        note=(
            "The investinquangninh.vn table is headed 2020 but its figures are PCI 2021's "
            "(Hải Phòng 70.61, 2nd = PCI 2021 on https://www.pcivietnam.vn/en/provinces/hai-phong)."
        ),
    ),
    PublishedFigure(
        "pci-vcci",
        2022,
        HANOI,
        None,
        20,
        PROVINCES,
        "Báo Nghệ An, 11 Apr 2023, https://baonghean.vn/provincial-competitiveness-index-pci-"
        "for-2022-released-and-nghe-ans-ranking-increases-by-7-places-post267904.html",
        note="Score not found in the sources read.",
    ),
    PublishedFigure(
        "pci-vcci",
        2023,
        HANOI,
        67.15,
        28,
        PROVINCES,
        f"{DESIGN_SOURCE} §4.3; rank consistent with Lao Động on PCI 2024 ('up 4 places')",
    ),
    PublishedFigure(
        "pci-vcci",
        2024,
        HANOI,
        68.38,
        24,
        PROVINCES,
        "Lao Động, https://news.laodong.vn/kinh-doanh/ly-giai-viec-ha-noi-nam-ngoai-top-20-"
        "tinh-thanh-co-chat-luong-dieu-hanh-kinh-te-tot-nhat-1503703.ldo",
        note="National median 67.67.",
    ),
    PublishedFigure(
        "pgi-vcci",
        2022,
        HANOI,
        12.52,
        63,
        PROVINCES,
        "Ngo Thi Thu Giang, 'Provincial Green Index with Sustainable Development in Mekong Delta "
        "Provinces', IJAMRS 4(2), 2024, https://www.multiresearchjournal.com/arclist/"
        "list-2024.4.2/id-2583 ('Hanoi ranked last with 12.52 points'); rank: "
        f"{DESIGN_SOURCE} §4.4",
        note="First PGI edition (2022).",
    ),
    PublishedFigure(
        "pgi-vcci",
        2023,
        HANOI,
        21.95,
        63,
        PROVINCES,
        "VCCI, PGI province profile comparison table (Red River Delta), "
        f"https://pcivietnam.vn/en/pgi/provinces/hai-duong; rank: {DESIGN_SOURCE} §4.4",
    ),
    PublishedFigure(
        "pgi-vcci",
        2024,
        HANOI,
        26.63,
        None,
        None,
        "VCCI, PGI province profile comparison table (Red River Delta), "
        "https://pcivietnam.vn/en/pgi/provinces/hai-duong",
        note="Rank not found in the sources read.",
    ),
    PublishedFigure(
        "par-index-876-province",
        2023,
        HANOI,
        91.43,
        3,
        PROVINCES,
        f"{DESIGN_SOURCE} §4.1 (PAR INDEX 2023, Ministry of Home Affairs)",
    ),
    PublishedFigure(
        "par-index-876-province",
        2024,
        HANOI,
        92.57,
        3,
        PROVINCES,
        f"{DESIGN_SOURCE} §4.1 (PAR INDEX 2024, Ministry of Home Affairs)",
    ),
    PublishedFigure(
        "sipas-1001",
        2024,
        HANOI,
        86.5,
        11,
        PROVINCES,
        f"{DESIGN_SOURCE} §4.2 (SIPAS 2024, Ministry of Home Affairs)",
        note="National average 83.94 %.",
    ),
)


def pci_2019_figures(path: Path = PCI_2019_FILE) -> list[PublishedFigure]:
    """The PCI 2019 rows (Hà Nội and its peers) with their ten sub-indices."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        PublishedFigure(
            framework_id="pci-vcci",
            year=2019,
            territory=row["province"],
            score=float(row["pci_published"]),
            rank=int(row["rank_published"]),
            rank_of=PROVINCES,
            source=PCI_2019_SOURCE,
            sub_scores={key: float(row[key]) for key in load_framework("pci-vcci").leaf_ids},
        )
        for row in rows
    ]


def published_figures() -> list[PublishedFigure]:
    """Every published figure the demo loads: PCI 2019 peers first, then Hà Nội's series."""
    return [*pci_2019_figures(), *HANOI_FIGURES]
