"""Words the reports show for stored codes, and the classes of a framework.

The portal has the same words for unit kinds and round states (``portal/labels.py``); it sits
above this app, so they are written again here with the same message ids (one translation
serves both).
"""

from __future__ import annotations

from govindex.improvement import report_charts
from govindex.improvement.models import TaskStatus
from govindex.scoring import Framework


def task_status_label(status: str) -> str:
    try:
        return str(TaskStatus(status).label)
    except ValueError:
        return status


def band_levels(framework: Framework) -> dict[str, int]:
    """Each class's level: 1 for the best, 2 for the next …"""
    return {band.id: level for level, band in enumerate(framework.bands, start=1)}


def class_thresholds(framework: Framework, language: str) -> list[report_charts.Threshold]:
    return [
        report_charts.Threshold(name=band.name(language), minimum=band.minimum, level=level)
        for level, band in enumerate(framework.bands, start=1)
    ]
