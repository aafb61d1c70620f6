"""Exact Bayesian inference in the persona world: who is speaking, and what will they say next?

Because we wrote the generator, "predict the next reply" has an exact answer. Given earlier episodes, the
posterior over characters is prior x likelihood of each observed reply (normalised), and the predictive for a
new prompt mixes the characters' reply distributions with those posterior weights. This is the yardstick every
network in the course is compared with (Shanahan et al. 2023's "20 questions" picture, made exact).
:func:`bayes_optimal_loss` is the lowest loss any model can reach on a set of documents; for scale,
:func:`writer_agnostic_loss` is the exact loss of a reader that knows the generator but never infers the writer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from helpers.engine.world import NEUTRAL, Document, Episode, World

#: An observation: a reply (candidate index) given to a task under a note.
Observation = tuple[str, str, int]


def _as_observation(world: World, item: Episode | Observation) -> Observation:
    if isinstance(item, Episode):
        item = (item.task, item.note, item.candidate)
    if not (isinstance(item, tuple) and len(item) == 3):
        raise ValueError(f"observation {item!r}; expected an Episode or a (task, note, candidate index) tuple")
    task, note, candidate = item
    world.check_note(task, note)
    if isinstance(candidate, bool) or not isinstance(candidate, (int, np.integer)):
        raise ValueError(f"candidate={candidate!r}; expected an integer index into the task's candidates")
    if not 0 <= candidate < len(world.candidates[task]):
        raise ValueError(f"candidate={candidate} for task {task!r}; expected 0..{len(world.candidates[task]) - 1}")
    return task, note, int(candidate)


def _check_distribution(name: str, weights: np.ndarray, size: int) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (size,
                         ) or not np.isfinite(weights).all() or (weights < 0).any() or abs(weights.sum() - 1) > 1e-6:
        raise ValueError(f"{name} with shape {weights.shape} and sum {weights.sum():.4g}; expected {size} "
                         "non-negative weights that sum to 1 (one per persona of the world)")
    return weights


def log_likelihoods(world: World, observations: Iterable[Episode | Observation]) -> np.ndarray:
    """Sum over observations of log P(reply | persona): one number per persona (-inf where impossible)."""
    total = np.zeros(len(world.personas))
    with np.errstate(divide="ignore"):
        for item in observations:
            task, note, candidate = _as_observation(world, item)
            total += np.log(world.likelihood(task, note)[:, candidate])
    return total


def posterior(world: World, observations: Iterable[Episode | Observation],
              prior: Sequence[float] | None = None) -> np.ndarray:
    """P(persona | observed episodes): the exact posterior over ``world.personas``."""
    prior_arr = world.prior if prior is None else _check_distribution("prior", np.asarray(prior), len(world.personas))
    with np.errstate(divide="ignore"):
        log_post = np.log(prior_arr) + log_likelihoods(world, observations)
    if not np.isfinite(log_post).any():
        raise ValueError("the observed episodes are impossible for every persona with prior weight; expected "
                         "observations that at least one character could produce")
    log_post -= log_post.max()
    weights = np.exp(log_post)
    return weights / weights.sum()


def predictive(world: World, persona_weights: Sequence[float], task: str, note: str = NEUTRAL) -> np.ndarray:
    """P(candidate reply | task, note) for a mixture of personas (for example, a posterior)."""
    weights = _check_distribution("persona_weights", np.asarray(persona_weights), len(world.personas))
    return weights @ world.likelihood(task, note)


def _as_document(document: Document | Sequence[Episode]) -> Document:
    return document if isinstance(document, Document) else Document("", tuple(document), False)


def _structure_log_prob(world: World, episodes: Sequence[Episode]) -> float:
    """log P(which task, which note, which prompt paraphrase) summed over the episodes: nobody's character."""
    structure = 0.0
    for e in episodes:
        note_p = world.note_share[e.note] if world.task_notes[e.task] != (NEUTRAL,) else 1.0
        structure += np.log(world.task_share[e.task] * note_p / len(world.prompts[e.task]))
    return structure


def document_log_prob(world: World, document: Document | Sequence[Episode]) -> float:
    """log P(document's tokens) under the generator.

    Tokens determine the episodes uniquely (prompts and replies are distinct texts, each ended by a marker), so
    this is the log-probability of the token sequence, including the choice of speaker label: an anonymous
    document sums over who might have written it; a named one says who did. The number of episodes is not
    scored: a model is never asked to predict where a document ends. A bare sequence of episodes counts as an
    anonymous document.
    """
    doc = _as_document(document)
    episodes = doc.episodes
    structure = _structure_log_prob(world, episodes)
    with np.errstate(divide="ignore"):
        joint = np.log(world.prior) + log_likelihoods(world, episodes)
        if doc.named:
            writer = joint[world.persona_index(doc.persona)]
            if not np.isfinite(writer):
                raise ValueError(f"document is impossible for its writer {doc.persona!r}; expected a document "
                                 "sampled from this world")
            return float(structure + np.log(world.named_share) + writer)
    top = joint.max()
    if not np.isfinite(top):
        raise ValueError("document is impossible for every persona; expected a document sampled from this world")
    label = np.log1p(-world.named_share)
    return float(structure + label + top + np.log(np.exp(joint - top).sum()))


def bayes_optimal_loss(world: World, documents: Sequence[Document]) -> float:
    """The lowest cross-entropy (nats per predicted token) any model can reach on these documents.

    It is the documents' total negative log-probability under the true generator divided by the number of
    tokens a language model predicts (every token after ``<bos>``), matching how training measures loss.
    """
    if not documents:
        raise ValueError("documents is empty; expected at least one document")
    nll = -sum(document_log_prob(world, d) for d in documents)
    tokens = sum(len(world.document_tokens(d.episodes, d.label)) - 1 for d in documents)
    return nll / tokens


def writer_agnostic_log_prob(world: World, document: Document | Sequence[Episode], read_names: bool = False) -> float:
    """log P(document's tokens) for a reader that knows the generator but never infers the writer from replies.

    Everything that is not a reply is scored exactly as in :func:`document_log_prob` (task, note, prompt, and the
    speaker label: ``named_share x prior`` for a name). Each reply is predicted with the prior mixture over
    personas, ``prior @ P(reply | persona)``, never updated on the episodes before it: the reader treats every
    reply as written by a fresh, unknown character. With ``read_names=True`` a named document's replies are
    predicted from the named writer instead (the reader reads a name, but still infers nothing from replies).
    """
    doc = _as_document(document)
    if not isinstance(read_names, bool):
        raise ValueError(f"read_names={read_names!r}; expected True or False")
    total = _structure_log_prob(world, doc.episodes)
    if doc.named:
        writer = world.persona_index(doc.persona)
        total += np.log(world.named_share) + np.log(world.prior[writer])
        if read_names:
            with np.errstate(divide="ignore"):
                replies = float(log_likelihoods(world, doc.episodes)[writer])
            if not np.isfinite(replies):
                raise ValueError(f"document is impossible for its writer {doc.persona!r}; expected a document "
                                 "sampled from this world")
            return float(total + replies)
    else:
        total += np.log1p(-world.named_share)
    for item in doc.episodes:
        task, note, candidate = _as_observation(world, item)
        p = float(world.prior @ world.likelihood(task, note)[:, candidate])
        if p <= 0:
            raise ValueError(f"reply {candidate} to {task!r} is impossible for every persona; expected a document "
                             "sampled from this world")
        total += np.log(p)
    return float(total)


def writer_agnostic_loss(world: World, documents: Sequence[Document], read_names: bool = False) -> float:
    """Cross-entropy (nats per predicted token) of the writer-agnostic reader of :func:`writer_agnostic_log_prob`.

    Measured on the same tokens as :func:`bayes_optimal_loss`, so the two are directly comparable: the difference
    is what inferring the writer from the replies is worth on these documents (with ``read_names=False``, reading
    the names of named documents too).
    """
    if not documents:
        raise ValueError("documents is empty; expected at least one document")
    nll = -sum(writer_agnostic_log_prob(world, d, read_names) for d in documents)
    tokens = sum(len(world.document_tokens(d.episodes, d.label)) - 1 for d in documents)
    return nll / tokens
