"""What the network predicts next: token distributions, sampled completions, and next replies beside exact Bayes.

Lesson 1 looks at a pretrained network three ways:

- :func:`next_token_distribution`: the probability of every possible next word after a text (the raw autocomplete);
- :func:`sample_completion` / :func:`completion_table`: text written by drawing one word at a time at a
  temperature, from a seeded ``torch.Generator`` (the same seed always writes the same words);
- :func:`loss_references` / :func:`references_table`: the held-out loss of the network between two exact
  readers of the same documents, the Bayes-optimal one (who infers the writer) and a writer-agnostic one (who
  never does), and the share of the difference the network recovers;
- :func:`incontext_view` / :func:`incontext_states`: the network's distribution over a new reply after ``k``
  earlier episodes by one character, beside the exact Bayesian predictive and the Bayesian posterior over
  characters (Shanahan et al. 2023's "20 questions" picture). The states are precomputed in one batched pass,
  so a widget can redraw any of them instantly.

The evaluation functions score whole candidate replies exactly (see :mod:`helpers.engine.evals`); only the completions
here are sampled.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from helpers.engine import bayes, evals, seeds
from helpers.engine.model import TinyGPT
from helpers.engine.training import PretrainConfig
from helpers.engine.world import NEUTRAL, PRETRAINING_LABEL, Episode, World

#: The token that ends every reply: sampling stops there.
END_OF_REPLY = "<eor>"
#: Context lengths the in-context view covers (documents have at most four episodes, so at most three before one).
INCONTEXT_KS = (0, 1, 2, 3)
#: Seed stream of the documents the in-context view draws its evidence from (never used for training).
_INCONTEXT_STREAM = 3_000_000


@contextmanager
def single_thread() -> Iterator[None]:
    """Run torch on one thread inside the block, then restore the thread count.

    Writing one word at a time is a tiny computation: extra threads only add waiting (on a busy 2-core machine a
    one-sequence forward pass ran hundreds of times slower with two threads than with one). One thread also makes
    the sampled words independent of the machine's thread count.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _check_text(world: World, text: str) -> list[int]:
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"text={text!r}; expected a non-empty string of words from the world's vocabulary")
    return world.encode(text)


def _check_positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}={value!r}; expected a positive integer")
    return int(value)


def _check_temperature(temperature: float) -> float:
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not 0 < temperature <= 10:
        raise ValueError(f"temperature={temperature!r}; expected a number in (0, 10] (1 samples the model's own "
                         "probabilities, lower is greedier, higher is more random)")
    return float(temperature)


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed={seed!r}; expected a non-negative integer")
    return int(seed)


@torch.no_grad()
def next_token_distribution(model: TinyGPT, world: World, text: str, top: int = 8,
                            temperature: float = 1.0) -> pd.DataFrame:
    """The network's probabilities for the word after ``text``: the ``top`` most likely, most likely first.

    Returns a table with columns ``token`` and ``probability`` (at the given temperature: the logits are divided
    by it before the softmax). The probabilities of all words sum to one; the table shows only the top ones.
    """
    tokens = _check_text(world, text)
    top = _check_positive_int("top", top)
    temperature = _check_temperature(temperature)
    with single_thread():
        logits = model(torch.tensor([tokens]))[0, -1] / temperature
    probs = F.softmax(logits, dim=-1).numpy().astype(float)
    order = np.argsort(-probs, kind="stable")[:top]
    return pd.DataFrame({"token": [world.vocabulary[i] for i in order], "probability": probs[order]})


@torch.no_grad()
def sample_completion(model: TinyGPT, world: World, text: str, temperature: float,
                      generator: torch.Generator, max_tokens: int = 20) -> str:
    """Continue ``text`` one word at a time, each drawn from the network's next-word distribution at a temperature.

    Stops after the end-of-reply marker (which is not returned) or ``max_tokens`` words. ``generator`` is a seeded
    ``torch.Generator``; successive calls with the same generator continue its random stream.
    """
    tokens = _check_text(world, text)
    temperature = _check_temperature(temperature)
    max_tokens = _check_positive_int("max_tokens", max_tokens)
    if not isinstance(generator, torch.Generator):
        raise ValueError(f"generator={generator!r}; expected a torch.Generator (torch.Generator().manual_seed(0))")
    eor = world.token_id[END_OF_REPLY]
    out: list[int] = []
    with single_thread():
        for _ in range(max_tokens):
            if len(tokens) >= model.config.max_len:
                break
            logits = model(torch.tensor([tokens]))[0, -1] / temperature
            token = int(torch.multinomial(F.softmax(logits, dim=-1), 1, generator=generator))
            if token == eor:
                break
            out.append(token)
            tokens.append(token)
    return world.decode(out)


def sample_completions(model: TinyGPT, world: World, text: str, temperature: float, n: int, seed: int,
                       max_tokens: int = 20) -> list[str]:
    """``n`` completions of ``text`` from one ``torch.Generator`` seeded with ``seed``: reproducible for a seed."""
    n = _check_positive_int("n", n)
    generator = torch.Generator().manual_seed(_check_seed(seed))
    return [sample_completion(model, world, text, temperature, generator, max_tokens) for _ in range(n)]


def known_reply(world: World, task: str, text: str) -> bool:
    """Is ``text`` one of the replies some character of the world gives to ``task`` (with or without a tic)?"""
    world.check_task(task)
    return text in {c.text for c in world.candidates[task]}


def completion_table(model: TinyGPT, world: World, task: str, temperatures: Sequence[float], n: int, seed: int,
                     prompt: int = 0, note: str = NEUTRAL, label: str = PRETRAINING_LABEL) -> pd.DataFrame:
    """Sampled replies to one prompt at several temperatures, each marked as a known reply or a new string.

    Each temperature draws its ``n`` completions from its own generator seeded with ``seed``, so changing the list
    of temperatures never changes the completions of the others.
    """
    if not temperatures:
        raise ValueError("temperatures is empty; expected at least one temperature, e.g. [0.5, 1.5]")
    text = f"<bos> {world.prompt_text(task, prompt, note, label)}"
    rows = []
    for temperature in temperatures:
        for i, reply in enumerate(sample_completions(model, world, text, temperature, n, seed)):
            rows.append({"temperature": float(temperature), "sample": i + 1, "completion": reply,
                         "known reply": known_reply(world, task, reply)})
    return pd.DataFrame(rows)


# ----- the loss against two exact readers -----
@dataclass(frozen=True)
class LossReferences:
    """Exact losses (nats per token) of three readers of one seed's held-out documents.

    ``floor`` is the Bayes-optimal reader (:func:`helpers.engine.bayes.bayes_optimal_loss`); ``agnostic`` knows
    the generator but predicts every reply from the prior mixture over characters, never inferring the writer;
    ``names_only`` is the same reader when it also reads the writer's name in named documents
    (:func:`helpers.engine.bayes.writer_agnostic_loss`). All three score the tokens the network's held-out loss
    scores.
    """

    seed: int
    documents: int
    floor: float
    names_only: float
    agnostic: float


def loss_references(world: World, seed: int) -> LossReferences:
    """The three exact readers on the held-out documents of pretraining seed ``seed`` (a fraction of a second)."""
    seed = _check_seed(seed)
    n = PretrainConfig().heldout_documents
    docs = world.sample_documents(n, seeds.heldout_documents(seed))
    return LossReferences(seed, n, bayes.bayes_optimal_loss(world, docs),
                          bayes.writer_agnostic_loss(world, docs, read_names=True),
                          bayes.writer_agnostic_loss(world, docs))


def share_recovered(network: float, floor: float, baseline: float) -> float:
    """The share of ``baseline - floor`` the network's loss recovers: 1 at the floor, 0 at the baseline."""
    values = [network, floor, baseline]
    if not all(isinstance(v, (int, float, np.floating)) and np.isfinite(v) for v in values):
        raise ValueError(f"losses {values}; expected three finite numbers (nats per token)")
    if baseline - floor <= 1e-12:
        raise ValueError(f"baseline={baseline!r} is not above floor={floor!r}; expected a baseline loss above it")
    return float((baseline - network) / (baseline - floor))


def references_table(world: World, losses: pd.DataFrame) -> pd.DataFrame:
    """Per seed (``helpers.experiments.curves.seed_losses``): the two writer-agnostic losses beside the network's
    and the floor, and the share of each baseline's excess over the floor the network recovers."""
    needed = {"seed", "heldout_loss", "bayes_optimal_loss"}
    if not needed <= set(losses.columns) or losses.empty:
        raise ValueError(f"losses with columns {sorted(losses.columns)}; expected rows with at least {sorted(needed)}")
    rows = []
    for seed, network, manifest_floor in losses[["seed", "heldout_loss", "bayes_optimal_loss"]].itertuples(
            index=False):
        ref = loss_references(world, int(seed))
        if abs(ref.floor - manifest_floor) > 1e-5:   # the manifest rounds to 6 decimals
            raise ValueError(f"seed {seed}: floor {ref.floor:.6f} recomputed, {manifest_floor:.6f} in the table; "
                             "expected the same held-out documents (were the world tables edited?)")
        rows.append({"seed": int(seed), "network": float(network), "floor": ref.floor,
                     "names_only": ref.names_only, "agnostic": ref.agnostic,
                     "recovered": share_recovered(float(network), ref.floor, ref.agnostic),
                     "recovered_names_only": share_recovered(float(network), ref.floor, ref.names_only)})
    return pd.DataFrame(rows)


# ----- the key demonstration: the network's next reply after k episodes, beside exact Bayes -----
@dataclass(frozen=True)
class IncontextView:
    """What the network and exact Bayes predict for a new prompt after ``k`` episodes by one character."""

    persona: str
    k: int
    seed: int
    task: str
    note: str
    context: tuple[Episode, ...]
    context_text: str
    query_text: str
    replies: tuple[str, ...]        # the task's reply texts (the pirate's "arr ," variants added in)
    network: np.ndarray             # the network's probability of each reply
    bayes: np.ndarray               # the exact Bayesian predictive of each reply
    personas: tuple[str, ...]
    posterior: np.ndarray           # P(character | the k episodes), exact
    tv_to_bayes: float              # total variation network vs Bayes, over the exact candidate strings
    tv_prior: float                 # the same for a predictor that ignores the context (Bayes with k = 0)

    def table(self) -> pd.DataFrame:
        """The two predictions side by side, one row per reply."""
        return pd.DataFrame({"reply": self.replies, "network": self.network, "exact Bayes": self.bayes})

    def posterior_table(self) -> pd.DataFrame:
        return pd.DataFrame({"character": self.personas, "posterior": self.posterior})


def character_episodes(world: World, persona: str, seed: int, n: int = max(INCONTEXT_KS),
                       exclude_task: str | None = None) -> tuple[Episode, ...]:
    """``n`` episodes written by ``persona``, from anonymous documents of a seed stream never used for training.

    Episodes are taken in document order, skipping any of ``exclude_task`` (so the evidence never contains the
    answer to the question asked afterwards). A character's episodes are drawn independently given the
    character, so episodes from two of its documents are as good evidence as two from one.
    """
    world.persona_index(persona)
    seed = _check_seed(seed)
    n = _check_positive_int("n", n)
    if exclude_task is not None:
        world.check_task(exclude_task)
    episodes: list[Episode] = []
    for doc in world.sample_documents(400, _INCONTEXT_STREAM + seed):
        if doc.persona == persona and not doc.named:
            episodes.extend(e for e in doc.episodes if e.task != exclude_task)
            if len(episodes) >= n:
                return tuple(episodes[:n])
    raise ValueError(f"persona={persona!r} wrote too few documents for seed {seed}; expected a character with prior "
                     "weight in this world")


def _reply_groups(world: World, task: str) -> tuple[tuple[str, ...], np.ndarray]:
    """The task's reply texts and, for each candidate, the index of its reply (to add the tic variants up)."""
    replies = tuple(r.text for r in world.replies[task])
    index = {r.name: i for i, r in enumerate(world.replies[task])}
    return replies, np.array([index[c.reply.name] for c in world.candidates[task]])


def _build_views(model: TinyGPT, world: World, requests: Sequence[tuple[str, int]], seed: int, task: str,
                 note: str) -> dict[tuple[str, int], IncontextView]:
    """All requested (persona, k) views, scored in one batched pass over every prompt paraphrase."""
    world.check_note(task, note)
    seed = _check_seed(seed)
    for persona, k in requests:
        world.persona_index(persona)
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k not in INCONTEXT_KS:
            raise ValueError(f"k={k!r}; expected one of {list(INCONTEXT_KS)} earlier episodes")
    evidence = {p: character_episodes(world, p, seed, max(INCONTEXT_KS), exclude_task=task)
                for p in dict.fromkeys(p for p, _ in requests)}
    n_prompts = len(world.prompts[task])
    queries = [evals.Query(task, prompt, note, PRETRAINING_LABEL, evidence[p][:k])
               for p, k in requests for prompt in range(n_prompts)]
    scored = evals.score_queries(model, world, queries)
    replies, group = _reply_groups(world, task)
    prior_pred = bayes.predictive(world, world.prior, task, note)
    views = {}
    for i, (persona, k) in enumerate(requests):
        network = np.mean([s.probs for s in scored[i * n_prompts:(i + 1) * n_prompts]], axis=0)
        context = evidence[persona][:k]
        post = bayes.posterior(world, context)
        exact = bayes.predictive(world, post, task, note)
        views[(persona, int(k))] = IncontextView(
            persona, int(k), seed, task, note, context,
            world.document_text(context) if context else "<bos>",
            world.prompt_text(task, 0, note, PRETRAINING_LABEL), replies,
            np.bincount(group, weights=network, minlength=len(replies)),
            np.bincount(group, weights=exact, minlength=len(replies)), world.personas, post,
            evals.total_variation(network, exact), evals.total_variation(prior_pred, exact))
    return views


def incontext_view(model: TinyGPT, world: World, persona: str, k: int, seed: int = 0, task: str = "goals",
                   note: str = NEUTRAL) -> IncontextView:
    """The network's prediction for ``task`` after ``k`` episodes by ``persona``, beside exact Bayes.

    The network's distribution is :func:`helpers.engine.evals.answer_distribution` with ``label="reply"`` and the
    episodes as context (averaged over the task's prompt paraphrases); the exact one is
    ``bayes.predictive(world, bayes.posterior(world, context), task, note)``.
    """
    return _build_views(model, world, [(persona, k)], seed, task, note)[(persona, int(k))]


def incontext_states(model: TinyGPT, world: World, seed: int = 0, task: str = "goals", note: str = NEUTRAL,
                     ks: Sequence[int] = INCONTEXT_KS) -> dict[tuple[str, int], IncontextView]:
    """Every character x k view for one seed, precomputed in a single batched pass (a fraction of a second)."""
    if not ks:
        raise ValueError(f"ks is empty; expected context lengths from {list(INCONTEXT_KS)}")
    return _build_views(model, world, [(p, int(k)) for p in world.personas for k in ks], seed, task, note)


def states_table(states: dict[tuple[str, int], IncontextView], field: str = "tv_to_bayes") -> pd.DataFrame:
    """One number per state as a character x k table: ``tv_to_bayes``, ``tv_prior``, or ``true_posterior`` (the
    posterior weight of the character who really wrote the episodes)."""
    fields = ("tv_to_bayes", "tv_prior", "true_posterior")
    if field not in fields:
        raise ValueError(f"field={field!r}; expected one of {list(fields)}")
    if not states:
        raise ValueError("states is empty; expected incontext_states(model, world)")

    def value(view: IncontextView) -> float:
        if field == "true_posterior":
            return float(view.posterior[view.personas.index(view.persona)])
        return float(getattr(view, field))

    personas = list(dict.fromkeys(p for p, _ in states))
    ks = sorted({k for _, k in states})
    table = pd.DataFrame([[value(states[(p, k)]) for k in ks] for p in personas], index=personas,
                         columns=pd.Index(ks, name="k"))
    table.index.name = "character"
    return table


def fidelity_summary(records: pd.DataFrame) -> pd.DataFrame:
    """In-context fidelity over seeds (the ``in-context`` experiment's records), one row per k.

    Per seed, the records are first averaged over characters; then over seeds: the mean and standard deviation
    of the network's total variation to Bayes, that of a predictor that ignores the context (``tv_prior``), and
    the share of that gap the network closes, ``1 - tv_to_bayes / tv_prior`` (undefined at k = 0, where the
    context-free predictor is exact).
    """
    needed = {"seed", "persona", "k", "tv_to_bayes", "tv_prior"}
    if not needed <= set(records.columns):
        raise ValueError(f"records with columns {sorted(records.columns)}; expected at least {sorted(needed)}")
    per_seed = records.groupby(["k", "seed"])[["tv_to_bayes", "tv_prior"]].mean().reset_index()
    rows = []
    for k, group in per_seed.groupby("k"):
        closed = (1 - group["tv_to_bayes"] / group["tv_prior"]) if (group["tv_prior"] > 1e-9).all() else None
        rows.append({"k": int(k), "seeds": len(group),
                     "tv_to_bayes": group["tv_to_bayes"].mean(), "tv_to_bayes_sd": group["tv_to_bayes"].std(),
                     "tv_prior": group["tv_prior"].mean(), "tv_prior_sd": group["tv_prior"].std(),
                     "gap_closed": float(closed.mean()) if closed is not None else float("nan"),
                     "gap_closed_min": float(closed.min()) if closed is not None else float("nan")})
    return pd.DataFrame(rows)
