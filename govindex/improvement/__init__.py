"""From scores to action: criterion diagnosis, root causes, "5 rõ" remediation plans, what-if
and the conference reports."""
