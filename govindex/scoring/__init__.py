"""The scoring core: frameworks as data, scores, ranks and classes from values.

Pure Python + numpy. Nothing here imports Django or an app (an import-linter contract checks it).
"""

from govindex.scoring.engine import score_round, score_values
from govindex.scoring.errors import FrameworkError, InputProblem, ScoringInputError
from govindex.scoring.framework import Band, Framework, Node
from govindex.scoring.loading import available_frameworks, framework_path, load_framework
from govindex.scoring.ranking import competition_rank
from govindex.scoring.results import NodeScore, RoundScores, UnitScore
from govindex.scoring.surveys import likert_share

__all__ = [
    "Band",
    "Framework",
    "FrameworkError",
    "InputProblem",
    "Node",
    "NodeScore",
    "RoundScores",
    "ScoringInputError",
    "UnitScore",
    "available_frameworks",
    "competition_rank",
    "framework_path",
    "likert_share",
    "load_framework",
    "score_round",
    "score_values",
]
