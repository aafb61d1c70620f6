"""Everything the course computes, in layers: ``engine`` (the simulation), ``experiments`` (runs over seeds),
``lessons`` (one folder per topic), ``ui`` (what the lessons share), ``publishing`` (site, slides, handouts) and
``tools``. helpers/README.md draws the layers and says where new code goes.

Notebooks narrate and call these modules; every piece of logic a lesson needs lives here once.
"""

from pathlib import Path

#: The project's root folder (where data/, notebooks/ and helpers/ live).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Where the editable world tables, shipped weights and results live.
DATA_DIR = PROJECT_ROOT / "data"

__all__ = ["PROJECT_ROOT", "DATA_DIR"]
