"""What every lesson's first code cell calls: the same settings for every student, on every machine."""

from __future__ import annotations

import torch

#: Threads used by every lesson: results are deterministic for a seed and a thread count.
THREADS = 2


def setup() -> None:
    """Fix torch's thread count so every student sees the same numbers."""
    torch.set_num_threads(THREADS)
