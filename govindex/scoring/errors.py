"""Errors of the scoring core, each carrying every problem found, not only the first."""

from __future__ import annotations

from dataclasses import dataclass


class FrameworkError(ValueError):
    """A framework definition is invalid. ``problems`` names each node and what is wrong."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"framework {source} is invalid:\n{lines}")


@dataclass(frozen=True)
class InputProblem:
    """One bad value: which unit (0-based position and name), which leaf, what was expected."""

    unit_index: int
    unit: str
    leaf_id: str
    value: float
    message: str


class ScoringInputError(ValueError):
    """Values that the framework's rules do not accept (for example points above the maximum)."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = problems
        shown = "; ".join(f"{p.unit} / {p.leaf_id}: {p.message}" for p in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(f"{len(problems)} value(s) out of range: {shown}{more}")
