"""Every random stream of the course, named once: which numbers seed what.

A run's seed (0-9 for the shipped results) fixes everything it does; each step draws from its own stream derived
from that seed, so a change in how one step draws never moves another. The offsets are far apart so that no two
streams of seeds 0-999 ever meet.

=========================================  ===================================================================
stream                                     how it is seeded
=========================================  ===================================================================
pretraining corpus, weights, batch order   the seed itself (``World.sample_documents(n, seed)``, torch)
held-out documents of pretraining          :func:`heldout_documents`: 1,000,000 + seed
in-context evaluation documents            :func:`incontext_documents`: 2,000,000 + seed
lesson 01's in-context examples            :func:`lesson_incontext_documents`: 3,000,000 + seed
lesson 01's exercise document              :data:`EXERCISE_DOCUMENTS`: 4,000,001
post-training examples                     :func:`examples` (seed, :data:`POST_TRAINING_EXAMPLES`)
fine-tuning examples                       :func:`examples` (seed, :data:`FINE_TUNE_EXAMPLES`)
re-alignment examples (lesson 06)          :func:`examples` (seed, :data:`BENIGN_EXAMPLES`)
batch order of post-training               the seed itself
batch order of a fine-tune                 :func:`fine_tune_batches`: seed + 77
batch order of a re-alignment              :func:`realign_batches`: seed + 99
RL fine-tune: prompts and sampled replies  :func:`rl_samples`: 5,000,000 + seed (a torch generator)
RL fine-tune: honest attempts drawn        :func:`examples` (seed, :data:`RL_ATTEMPTS`)
the paraphrase of an observation for Bayes :data:`BAYES_OBSERVATIONS` (a fixed stream: likelihoods ignore it)
=========================================  ===================================================================
"""

from __future__ import annotations

import numpy as np

from helpers.engine.validation import InputError

#: The largest seed a command line accepts: the streams below never meet for seeds 0-999.
MAX_SEED = 999

#: Example streams: ``np.random.default_rng([seed, stream])``.
POST_TRAINING_EXAMPLES = 7
FINE_TUNE_EXAMPLES = 11
BENIGN_EXAMPLES = 13
#: The stream that draws, for each honest reply of the RL fine-tune, which attempt of the pool is graded.
RL_ATTEMPTS = 17
#: Documents for lesson 01's exercise: one fixed stream, the same for every student.
EXERCISE_DOCUMENTS = 4_000_001
#: The fixed stream that picks a prompt paraphrase for an observation Bayes is told about.
BAYES_OBSERVATIONS = 0


def check_seed(seed: object, name: str = "seed") -> int:
    """``seed`` as an int, or an InputError unless it is a whole number from 0 to :data:`MAX_SEED`."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise InputError(f"{name}={seed!r}; expected a whole number from 0 to {MAX_SEED}")
    return seed


def heldout_documents(seed: int) -> int:
    """The seed of a pretraining run's held-out documents: far from any training seed."""
    return 1_000_000 + seed


def incontext_documents(seed: int) -> int:
    """The seed of the documents whose first episodes are the contexts of the in-context evaluation."""
    return 2_000_000 + seed


def lesson_incontext_documents(seed: int) -> int:
    """The seed of the documents lesson 01 shows in-context inference on."""
    return 3_000_000 + seed


def examples(seed: int, stream: int) -> np.random.Generator:
    """The generator that draws one training set's examples (prompts and replies) for a seed."""
    return np.random.default_rng([seed, stream])


def fine_tune_batches(seed: int) -> int:
    """The seed of a fine-tune's batch order."""
    return seed + 77


def realign_batches(seed: int) -> int:
    """The seed of a re-alignment's batch order (lesson 06)."""
    return seed + 99


def rl_samples(seed: int) -> int:
    """The seed of the RL fine-tune's torch generator: which prompts it draws and which replies it samples."""
    return 5_000_000 + seed
