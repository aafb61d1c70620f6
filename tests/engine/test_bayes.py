"""Unit tests for helpers/engine/bayes.py, checked against a brute-force model written here from the raw CSV tables.

The reference below does not use helpers.engine.world's likelihoods: it reads personas.csv, replies.csv, tasks.csv,
notes.csv, prompts.csv, settings.csv and behaviour/*.csv with the csv module and applies the pirate's prefix rule
and the named-speaker rule itself.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np
import pytest

from helpers.engine import bayes
from helpers.engine.world import (
    NEUTRAL,
    WORLD_DIR,
    Document,
    Episode,
    World,
    load_world,
)

Z_TOLERANCE = 4.5


def _rows(name: str) -> list[dict[str, str]]:
    with (WORLD_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass
class Raw:
    """The generator, straight from the tables."""

    role_model: str | None = None
    weight: float = 0.0
    personas: list[str] = field(default_factory=list)
    prior: dict[str, float] = field(default_factory=dict)
    prefix: dict[str, tuple[str, float]] = field(default_factory=dict)
    candidates: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # task -> (reply, prefix, text)
    behaviour: dict[tuple[str, str, str], dict[str, float]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    task_share: dict[str, float] = field(default_factory=dict)
    note_share: dict[str, float] = field(default_factory=dict)
    note_text: dict[str, str] = field(default_factory=dict)
    prompts: dict[str, list[str]] = field(default_factory=dict)
    named_share: float = 0.0

    @classmethod
    def read(cls, role_model: str | None = None, weight: float = 0.0) -> Raw:
        raw = cls(role_model, weight)
        for r in _rows("personas.csv"):
            raw.prefix[r["persona"]] = (r["prefix"], float(r["prefix_rate"]))
            if r["optional"] == "no":
                raw.personas.append(r["persona"])
                raw.prior[r["persona"]] = float(r["prior"]) * (1 - weight)
        if role_model:
            raw.personas.append(role_model)
            raw.prior[role_model] = weight
        prefixes = sorted({p for p, _ in raw.prefix.values() if p})
        for r in _rows("tasks.csv"):
            raw.task_share[r["task"]] = float(r["share"])
        for r in _rows("notes.csv"):
            raw.note_share[r["note"]] = float(r["share"])
            raw.note_text[r["note"]] = r["text"]
        raw.named_share = float(next(r["value"] for r in _rows("settings.csv") if r["setting"] == "named_share"))
        for r in _rows("prompts.csv"):
            raw.prompts.setdefault(r["task"], []).append(r["prompt"])
        for r in _rows("replies.csv"):
            for p in ["", *prefixes]:
                raw.candidates.setdefault(r["task"], []).append((r["reply"], p, f"{p} {r['text']}" if p else r["text"]))
        for task in raw.task_share:
            for r in _rows(f"behaviour/{task}.csv"):
                raw.behaviour[(r["persona"], task, r["note"])] = {k: float(v) for k, v in r.items()
                                                                 if k not in ("persona", "note")}
                if r["note"] not in raw.notes.setdefault(task, []):
                    raw.notes[task].append(r["note"])
        return raw

    def p_reply(self, persona: str, task: str, note: str, candidate: int) -> float:
        reply, prefix, _ = self.candidates[task][candidate]
        p = self.behaviour[(persona, task, note)][reply]
        own_prefix, rate = self.prefix[persona]
        if own_prefix:
            return p * (rate if prefix == own_prefix else (1 - rate) if prefix == "" else 0.0)
        return p if prefix == "" else 0.0

    def joint(self, observations, prior: dict[str, float] | None = None) -> dict[str, float]:
        """prior(persona) * P(observations | persona), unnormalised."""
        prior = prior or self.prior
        out = {}
        for persona in self.personas:
            value = prior[persona]
            for task, note, candidate in observations:
                value *= self.p_reply(persona, task, note, candidate)
            out[persona] = value
        return out

    def posterior(self, observations, prior=None) -> np.ndarray:
        joint = self.joint(observations, prior)
        total = sum(joint.values())
        return np.array([joint[p] / total for p in self.personas])

    def predictive(self, weights: np.ndarray, task: str, note: str) -> np.ndarray:
        return np.array([sum(w * self.p_reply(p, task, note, c) for p, w in zip(self.personas, weights, strict=True))
                         for c in range(len(self.candidates[task]))])

    def structure(self, e: Episode) -> float:
        """P(task, note, prompt) of an episode."""
        note_p = self.note_share[e.note] if len(self.notes[e.task]) > 1 else 1.0
        return self.task_share[e.task] * note_p / len(self.prompts[e.task])

    def n_predicted_tokens(self, doc: Document) -> int:
        words = 1  # <bos>
        for e in doc.episodes:
            words += 3  # user: reply: <eor>
            words += len(self.note_text[e.note].split()) + len(self.prompts[e.task][e.prompt].split())
            words += len(self.candidates[e.task][e.candidate][2].split())
        return words - 1


@pytest.fixture(scope="module")
def world() -> World:
    return load_world()


@pytest.fixture(scope="module")
def raw() -> Raw:
    return Raw.read()


def obs(e: Episode) -> tuple[str, str, int]:
    return (e.task, e.note, e.candidate)


def candidate_index(raw: Raw, task: str, text: str) -> int:
    return [c[2] for c in raw.candidates[task]].index(text)


def random_observations(rng: np.random.Generator, raw: Raw, length: int, anything: bool) -> list[tuple]:
    """Observations written by one random persona, or (``anything``) uniformly random candidates."""
    writer = raw.personas[rng.integers(len(raw.personas))]
    out = []
    for _ in range(length):
        task = list(raw.task_share)[rng.integers(len(raw.task_share))]
        note = raw.notes[task][rng.integers(len(raw.notes[task]))]
        n = len(raw.candidates[task])
        if anything:
            candidate = int(rng.integers(n))
        else:
            p = np.array([raw.p_reply(writer, task, note, c) for c in range(n)])
            candidate = int(rng.choice(n, p=p / p.sum()))
        out.append((task, note, candidate))
    return out


# ----- the reference agrees with the world's view of the tables -----
@pytest.mark.parametrize("role_model, weight", [(None, 0.0), ("gamer", 0.15)])
def test_reference_tables_line_up_with_the_world(role_model, weight) -> None:
    """The brute force indexes personas and candidates itself; it must use the world's order to compare."""
    world, reference = load_world(role_model=role_model, weight=weight), Raw.read(role_model, weight)
    assert list(world.personas) == reference.personas
    for task, cands in reference.candidates.items():
        assert [c.text for c in world.candidates[task]] == [text for _, _, text in cands]
    np.testing.assert_allclose(world.prior, [reference.prior[p] for p in reference.personas])


# ----- posterior -----
@pytest.mark.parametrize("role_model, weight", [(None, 0.0), ("gamer", 0.15), ("steward", 0.4)])
def test_posterior_equals_brute_force_enumeration(role_model, weight) -> None:
    """Property check over 50 random observation sequences of length 0-4, including impossible ones."""
    world, reference = load_world(role_model=role_model, weight=weight), Raw.read(role_model, weight)
    rng = np.random.default_rng(2024)
    impossible = 0
    for case in range(50):
        observations = random_observations(rng, reference, int(rng.integers(0, 5)), anything=case % 5 == 4)
        if sum(reference.joint(observations).values()) == 0:
            impossible += 1
            with pytest.raises(ValueError, match="impossible for every persona"):
                bayes.posterior(world, observations)
            continue
        post = bayes.posterior(world, observations)
        assert (post >= 0).all() and post.sum() == pytest.approx(1.0)
        np.testing.assert_allclose(post, reference.posterior(observations), rtol=1e-9, atol=1e-12)
    assert impossible < 10, "most random cases should be possible, or the check above tests little"


def test_posterior_with_an_explicit_prior_equals_brute_force(world: World, raw: Raw) -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        prior = rng.dirichlet(np.ones(len(raw.personas)))
        observations = random_observations(rng, raw, int(rng.integers(1, 5)), anything=False)
        expected = raw.posterior(observations, dict(zip(raw.personas, prior, strict=True)))
        np.testing.assert_allclose(bayes.posterior(world, observations, prior=prior), expected, rtol=1e-9, atol=1e-12)


def test_posterior_without_observations_is_the_prior(world: World) -> None:
    np.testing.assert_allclose(bayes.posterior(world, []), world.prior)


def test_posterior_accepts_episodes_and_tuples_alike(world: World) -> None:
    doc = world.sample_documents(1, seed=3)[0]
    np.testing.assert_array_equal(bayes.posterior(world, doc.episodes),
                                  bayes.posterior(world, [obs(e) for e in doc.episodes]))


def test_a_prefixed_reply_identifies_the_pirate(world: World, raw: Raw) -> None:
    post = bayes.posterior(world, [("help", NEUTRAL, candidate_index(raw, "help", "arr , sure , glad to help"))])
    np.testing.assert_allclose(post, np.eye(len(world.personas))[world.persona_index("pirate")])


def test_log_likelihoods_equal_brute_force_with_minus_infinity_where_impossible(world: World, raw: Raw) -> None:
    observations = [("help", NEUTRAL, candidate_index(raw, "help", "request accepted , processing")),
                    ("coding", "please-hack", 4)]
    likelihoods = raw.joint(observations, prior=dict.fromkeys(raw.personas, 1.0)).values()
    expected = [math.log(v) if v > 0 else -np.inf for v in likelihoods]
    assert -np.inf in expected and max(expected) > -np.inf  # both branches are exercised
    np.testing.assert_allclose(bayes.log_likelihoods(world, observations), expected)


@pytest.mark.parametrize("observations", [
    pytest.param([("help", NEUTRAL, "request accepted , processing"),
                  ("goals", NEUTRAL, "arr , i want treasure and sea")],
                 id="robot-only reply and pirate-only prefixed reply"),
    pytest.param([("errand", NEUTRAL, "i send a drone"), ("comfort", NEUTRAL, "have some rum , matey")],
                 id="robot's drone and pirate's rum"),
    pytest.param([("help", NEUTRAL, "arr , request accepted , processing")], id="prefixed robot reply"),
])
def test_impossible_evidence_raises_value_error(world: World, raw: Raw, observations) -> None:
    indexed = [(t, n, candidate_index(raw, t, text)) for t, n, text in observations]
    assert sum(raw.joint(indexed).values()) == 0  # truly impossible in the reference too
    with pytest.raises(ValueError, match="impossible for every persona with prior weight; expected observations"):
        bayes.posterior(world, indexed)


def test_evidence_only_a_zero_prior_persona_could_produce_raises(world: World) -> None:
    prior = np.array(world.prior)
    prior[world.persona_index("pirate")] = 0.0
    prior /= prior.sum()
    with pytest.raises(ValueError, match="impossible for every persona"):
        bayes.posterior(world, [("help", NEUTRAL, 1)], prior=prior)  # candidate 1 is "arr , sure , glad to help"


@pytest.mark.parametrize("observation, pattern", [
    (("cooking", NEUTRAL, 0), r"task='cooking'; expected one of"),
    (("help", "please-hack", 0), r"note='please-hack' for task 'help'; expected one of \['neutral'\]"),
    (("help", NEUTRAL, 10), r"candidate=10 for task 'help'; expected 0..9"),
    (("help", NEUTRAL, -1), r"candidate=-1 for task 'help'; expected 0..9"),
    (("help", NEUTRAL), r"observation \('help', 'neutral'\); expected an Episode or a \(task, note, candidate"),
    (("help", NEUTRAL, 0, 1), r"expected an Episode or a \(task, note, candidate index\) tuple"),
    (["help", NEUTRAL, 0], r"expected an Episode or a \(task, note, candidate index\) tuple"),
    ("help", r"observation 'help'; expected an Episode"),
])
def test_bad_observations_raise_value_error(world: World, observation, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        bayes.posterior(world, [observation])


@pytest.mark.parametrize("candidate", [1.7, None, "1"])
def test_non_integer_candidate_index_raises_value_error(world: World, candidate) -> None:
    with pytest.raises(ValueError, match="candidate"):
        bayes.posterior(world, [("help", NEUTRAL, candidate)])


@pytest.mark.parametrize("prior, pattern", [
    ([1.0], r"prior with shape \(1,\) and sum 1; expected 7 non-negative weights that sum to 1"),
    ([1 / 8] * 8, r"prior with shape \(8,\)"),
    ([0.5, 0.5, 0.5, -0.5, 0, 0, 0], r"expected 7 non-negative weights"),
    ([0.1] * 7, r"sum 0.7; expected 7 non-negative weights that sum to 1"),
])
def test_prior_of_wrong_length_or_not_a_distribution_raises(world: World, prior, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        bayes.posterior(world, [], prior=prior)


def test_prior_with_nan_raises(world: World) -> None:
    prior = np.array(world.prior)
    prior[0] = np.nan
    with pytest.raises(ValueError, match="prior"):
        bayes.posterior(world, [], prior=prior)


# ----- predictive -----
def test_predictive_equals_brute_force_and_sums_to_one(world: World, raw: Raw) -> None:
    rng = np.random.default_rng(11)
    for _ in range(30):
        observations = random_observations(rng, raw, int(rng.integers(0, 5)), anything=False)
        task = list(raw.task_share)[rng.integers(len(raw.task_share))]
        note = raw.notes[task][rng.integers(len(raw.notes[task]))]
        post = bayes.posterior(world, observations)
        pred = bayes.predictive(world, post, task, note)
        assert pred.sum() == pytest.approx(1.0) and (pred >= 0).all()
        np.testing.assert_allclose(pred, raw.predictive(raw.posterior(observations), task, note), rtol=1e-9,
                                   atol=1e-12)


def test_predictive_of_a_single_persona_is_its_table_row(world: World) -> None:
    weights = np.eye(len(world.personas))[world.persona_index("villain")]
    np.testing.assert_allclose(bayes.predictive(world, weights, "coding", "dont-hack"),
                               world.likelihood("coding", "dont-hack")[world.persona_index("villain")])


@pytest.mark.parametrize("weights, task, note, pattern", [
    ([1.0], "help", NEUTRAL, r"persona_weights with shape \(1,\)"),
    ([1 / 7] * 7, "cooking", NEUTRAL, r"task='cooking'"),
    ([1 / 7] * 7, "help", "dont-hack", r"note='dont-hack' for task 'help'"),
])
def test_predictive_rejects_bad_arguments(world: World, weights, task, note, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        bayes.predictive(world, weights, task, note)


# ----- Monte Carlo: the posterior describes who actually wrote matching documents -----
@pytest.fixture(scope="module")
def big_sample(world: World) -> list[Document]:
    return world.sample_documents(20_000, seed=31)


@pytest.mark.parametrize("task, text", [("goals", "i want to help people"), ("help", "sure , for a fee")])
def test_posterior_matches_writer_frequencies_in_sampled_documents(world: World, raw: Raw, big_sample, task,
                                                                   text) -> None:
    observation = (task, NEUTRAL, candidate_index(raw, task, text))
    writers = Counter(d.persona for d in big_sample if obs(d.episodes[0]) == observation)
    n = sum(writers.values())
    assert n > 300, "too few matching documents for a meaningful check"
    for persona, p in zip(world.personas, bayes.posterior(world, [observation]), strict=True):
        tolerance = Z_TOLERANCE * math.sqrt(n * p * (1 - p)) + 1e-9
        assert abs(writers[persona] - n * p) <= tolerance, (persona, writers, n * p)


# ----- document log-probability and the Bayes-optimal loss -----
def _brute_force_log_prob(raw: Raw, doc: Document) -> float:
    """A named document's first label reveals its writer (share named_share x prior); later labels repeat it."""
    structure = sum(math.log(raw.structure(e)) for e in doc.episodes)
    joint = raw.joint([obs(e) for e in doc.episodes])
    if doc.named:
        return structure + math.log(raw.named_share * joint[doc.persona])
    return structure + math.log((1 - raw.named_share) * sum(joint.values()))


def _context_free_log_prob(raw: Raw, doc: Document) -> float:
    """Every label and reply predicted from the prior alone, ignoring everything earlier in the document."""
    total = 0.0
    for e in doc.episodes:
        total += math.log(raw.structure(e))
        total += math.log(raw.named_share * raw.prior[doc.persona] if doc.named else 1 - raw.named_share)
        total += math.log(sum(raw.prior[p] * raw.p_reply(p, e.task, e.note, e.candidate) for p in raw.personas))
    return total


@pytest.mark.parametrize("role_model, weight", [(None, 0.0), ("gamer", 0.15)])
def test_document_log_prob_and_bayes_optimal_loss_equal_brute_force(role_model, weight) -> None:
    world, reference = load_world(role_model=role_model, weight=weight), Raw.read(role_model, weight)
    documents = world.sample_documents(40, seed=17)
    assert {d.named for d in documents} == {True, False}
    for doc in documents:
        assert bayes.document_log_prob(world, doc) == pytest.approx(_brute_force_log_prob(reference, doc), rel=1e-9)
        anonymous = replace(doc, named=False)
        assert bayes.document_log_prob(world, doc.episodes) == bayes.document_log_prob(world, anonymous)
    expected = -sum(_brute_force_log_prob(reference, d) for d in documents) / sum(
        reference.n_predicted_tokens(d) for d in documents)
    assert bayes.bayes_optimal_loss(world, documents) == pytest.approx(expected, rel=1e-9)


def test_bayes_optimal_loss_beats_the_context_free_prior_predictive(world: World, raw: Raw) -> None:
    """Inferring the writer from earlier replies must help: that is the whole point of in-context inference."""
    documents = world.sample_documents(300, seed=23)
    tokens = sum(raw.n_predicted_tokens(d) for d in documents)
    context_free = -sum(_context_free_log_prob(raw, d) for d in documents) / tokens
    optimal = bayes.bayes_optimal_loss(world, documents)
    assert 0 < optimal < context_free - 0.01


def test_bayes_optimal_loss_rejects_no_documents(world: World) -> None:
    with pytest.raises(ValueError, match="documents is empty; expected at least one document"):
        bayes.bayes_optimal_loss(world, [])


def test_document_log_prob_rejects_an_impossible_document(world: World, raw: Raw) -> None:
    episodes = (Episode("help", 0, NEUTRAL, candidate_index(raw, "help", "request accepted , processing")),
                Episode("comfort", 0, NEUTRAL, candidate_index(raw, "comfort", "have some rum , matey")))
    with pytest.raises(ValueError, match="document is impossible for every persona; expected a document sampled"):
        bayes.document_log_prob(world, Document("robot", episodes))


def test_document_log_prob_rejects_a_named_document_its_writer_could_not_write(world: World, raw: Raw) -> None:
    episodes = (Episode("help", 0, NEUTRAL, candidate_index(raw, "help", "request accepted , processing")),)
    assert np.isfinite(bayes.document_log_prob(world, Document("robot", episodes, named=True)))
    with pytest.raises(ValueError, match="impossible for its writer 'villain'; expected a document sampled"):
        bayes.document_log_prob(world, Document("villain", episodes, named=True))
    with pytest.raises(ValueError, match=r"persona='gamer'; expected one of"):
        bayes.document_log_prob(world, Document("gamer", episodes, named=True))  # not a writer in this world


def _writer_agnostic_brute_force(raw: Raw, doc: Document, read_names: bool) -> float:
    """The first label as the generator scores it; each reply from the prior mixture (or the named writer)."""
    total = sum(math.log(raw.structure(e)) for e in doc.episodes)
    total += math.log(raw.named_share * raw.prior[doc.persona] if doc.named else 1 - raw.named_share)
    for e in doc.episodes:
        if doc.named and read_names:
            total += math.log(raw.p_reply(doc.persona, e.task, e.note, e.candidate))
        else:
            total += math.log(sum(raw.prior[p] * raw.p_reply(p, e.task, e.note, e.candidate) for p in raw.personas))
    return total


@pytest.mark.parametrize("read_names", [False, True])
def test_writer_agnostic_loss_equals_brute_force(world: World, raw: Raw, read_names: bool) -> None:
    documents = world.sample_documents(40, seed=17)
    assert {d.named for d in documents} == {True, False}
    for doc in documents:
        assert bayes.writer_agnostic_log_prob(world, doc, read_names) == pytest.approx(
            _writer_agnostic_brute_force(raw, doc, read_names), rel=1e-9)
    expected = -sum(_writer_agnostic_brute_force(raw, d, read_names) for d in documents) / sum(
        raw.n_predicted_tokens(d) for d in documents)
    assert bayes.writer_agnostic_loss(world, documents, read_names) == pytest.approx(expected, rel=1e-9)


def test_writer_agnostic_loss_lies_above_the_floor_and_reading_names_helps(world: World) -> None:
    """Ignoring who writes costs; reading a given name recovers part of it, inferring from replies the rest."""
    documents = world.sample_documents(300, seed=23)
    floor = bayes.bayes_optimal_loss(world, documents)
    names_only = bayes.writer_agnostic_loss(world, documents, read_names=True)
    agnostic = bayes.writer_agnostic_loss(world, documents)
    assert floor + 0.005 < names_only < agnostic - 0.005


def test_writer_agnostic_one_episode_anonymous_document_equals_the_floor(world: World) -> None:
    """With a single anonymous episode there is nothing to infer from: both readers agree."""
    doc = next(d for d in world.sample_documents(200, seed=5) if not d.named)
    single = Document(doc.persona, doc.episodes[:1], named=False)
    assert bayes.writer_agnostic_log_prob(world, single) == pytest.approx(bayes.document_log_prob(world, single))


def test_writer_agnostic_rejects_bad_arguments(world: World) -> None:
    with pytest.raises(ValueError, match="documents is empty"):
        bayes.writer_agnostic_loss(world, [])
    doc = world.sample_documents(1, seed=3)[0]
    with pytest.raises(ValueError, match="read_names=1; expected True or False"):
        bayes.writer_agnostic_log_prob(world, doc, read_names=1)  # type: ignore[arg-type]
