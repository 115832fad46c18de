"""The feedback app's background jobs, scheduled in code and run by the huey consumer
(``govindex manage run_huey``; ``make demo`` starts one).

Thin: each job calls a service. ``govindex feedback escalate`` runs the same job by hand.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from govindex.feedback.escalation import EscalationRun, feedback_escalate


@db_periodic_task(crontab(minute="*/5"), name="feedback.escalate")
def feedback_escalate_job() -> EscalationRun:
    """Every 5 minutes: escalate cases whose deadline nears (to the unit leader) or has passed
    (to the city), and close published answers nobody rated. Idempotent: each level is recorded
    once per deadline (a unique row, taken under the case's row lock), so a second run, or two
    at once, escalate nothing twice."""
    return feedback_escalate()
