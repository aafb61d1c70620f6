"""The named random streams: each seed's streams are reproducible and no two streams of seeds 0-999 meet."""

import numpy as np
import pytest

from helpers.engine import seeds


def test_document_streams_of_seeds_0_to_999_never_meet():
    streams = [set(range(1000)), {seeds.heldout_documents(s) for s in range(1000)},
               {seeds.incontext_documents(s) for s in range(1000)},
               {seeds.lesson_incontext_documents(s) for s in range(1000)}, {seeds.EXERCISE_DOCUMENTS}]
    assert sum(map(len, streams)) == len(set().union(*streams))


def test_batch_streams_of_a_fine_tune_and_a_realignment_differ():
    assert all(seeds.fine_tune_batches(s) != seeds.realign_batches(s) for s in range(1000))


def test_example_streams_are_reproducible_and_distinct():
    def draw(stream):
        return seeds.examples(3, stream).integers(1_000_000, size=5)

    assert np.array_equal(draw(seeds.POST_TRAINING_EXAMPLES), draw(seeds.POST_TRAINING_EXAMPLES))
    assert len({seeds.POST_TRAINING_EXAMPLES, seeds.FINE_TUNE_EXAMPLES, seeds.BENIGN_EXAMPLES, seeds.RL_ATTEMPTS}) == 4
    assert not np.array_equal(draw(seeds.POST_TRAINING_EXAMPLES), draw(seeds.FINE_TUNE_EXAMPLES))


def test_check_seed_allows_0_to_999_and_says_so():
    assert seeds.check_seed(0) == 0 and seeds.check_seed(seeds.MAX_SEED) == 999
    for bad in (-1, 1000, 99999999999999999999, 1.5, True, "3"):
        with pytest.raises(ValueError, match=r"seed=.*; expected a whole number from 0 to 999"):
            seeds.check_seed(bad)


def test_the_rl_sampling_stream_meets_no_other_seeded_stream():
    rl = {seeds.rl_samples(s) for s in range(1000)}
    others = set(range(1100)) | {seeds.heldout_documents(s) for s in range(1000)} | {
        seeds.incontext_documents(s) for s in range(1000)} | {seeds.lesson_incontext_documents(s) for s in range(1000)}
    assert len(rl) == 1000 and not rl & others
