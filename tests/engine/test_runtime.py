"""What every lesson's first cell calls: the same thread count on every machine."""

import torch

from helpers.engine.runtime import THREADS, setup


def test_setup_fixes_the_thread_count():
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1 if THREADS != 1 else 2)
        setup()
        assert torch.get_num_threads() == THREADS
    finally:
        torch.set_num_threads(before)
