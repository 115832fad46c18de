"""The Hanoi demo: units and their history, two internal PAR rounds, published results, people.

``build_demo`` fills a migrated, empty database; the ``govindex demo`` command calls it.
"""

from govindex.demo.build import DemoSummary, build_demo, demo_exists, demo_flush, results_checksum
from govindex.demo.people import DEMO_PASSWORD, DemoPerson, demo_people

__all__ = [
    "DEMO_PASSWORD",
    "DemoPerson",
    "DemoSummary",
    "build_demo",
    "demo_exists",
    "demo_flush",
    "demo_people",
    "results_checksum",
]
