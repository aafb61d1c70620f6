"""The course's engine: the persona world, exact Bayes, the tiny transformer, training, evaluation and plots.

Notebooks narrate and call these modules; every piece of logic a lesson needs lives here once.
"""

from pathlib import Path

#: The project's root folder (where data/, notebooks/ and helpers/ live).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Where the editable world tables, shipped weights and results live.
DATA_DIR = PROJECT_ROOT / "data"

__all__ = ["PROJECT_ROOT", "DATA_DIR"]
