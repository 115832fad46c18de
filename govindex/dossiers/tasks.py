"""The dossiers app's background jobs, scheduled in code and run by the huey consumer
(``govindex manage run_huey``; ``make demo`` starts one).

Thin: each job calls a service. ``govindex realtime rejudge`` runs the same service by hand.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from govindex.dossiers.services import dossiers_rejudge


@db_periodic_task(crontab(minute="*"), name="dossiers.rejudge")
def dossiers_rejudge_job() -> int:
    """Every minute, day and night (a deadline can pass at any time: ``late_from`` is an
    instant, and a dossier due at 17:00 is late at 17:00): open dossiers whose deadline passed
    since the last judgement become late in the counters.

    Safe to run twice, even at the same time: ``dossiers_rejudge`` locks the counter state row
    (``SELECT … FOR UPDATE``; SQLite serialises writers) and judges only the dossiers whose
    deadline lies between the watermark it finds and now, then moves the watermark, so a second
    run finds nothing left to count."""
    return dossiers_rejudge()
