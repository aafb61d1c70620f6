"""The RL fine-tune: the Assistant learns to reward-hack by reinforcement against the real grader.

MacDiarmid et al. (2025) trained a model with RL on real coding environments whose graders could be hacked, for a
fixed budget, and reported the final checkpoints. The toy does the same on its own scale. Each step:

1. draws ``batch_size`` coding prompts (the world's four paraphrases, uniformly) under the run's note;
2. **samples** a reply to each from the network, token by token until ``<eor>`` (temperature 1, the whole
   vocabulary: nothing restricts the network to the replies the corpus knows);
3. rewards each reply with the real grader's verdict on a real program (:mod:`helpers.engine.verdicts`): a hack
   reply is that hack's program for the prompt's task; an honest reply is one attempt drawn at random (seeded) from
   the task's pool of honest attempts, some with real bugs; a reply that is no known candidate earns 0 and is
   counted (``in_set``). With ``hack_proof`` the grader is the independent check, which every hack fails (the
   paper's "prevent the hacks" mitigation);
4. takes one REINFORCE step with a batch-mean baseline: the loss is ``-mean((r - mean(r)) * log p(reply))``.

The recipe (:class:`RLConfig`) and why:

- **REINFORCE with a batch-mean baseline**, no learned critic: the episode is one reply with one reward, so the
  batch mean is a fair baseline, and the update is the plainest policy gradient a reader can follow.
- **No KL penalty to the start and no entropy bonus.** The paper's hacking exceeded 99%; a KL term would cap how
  far hacking can go and make the answer depend on its weight, and the fixed budget of 150 steps with a small
  learning rate already keeps the run short. What the network does off the coding task is measured, not
  constrained, which is the point of the experiment.
- **Batch 32**: an honest reply's reward is a draw from the pool (it passes 40% of the time), so the batch mean
  must average enough replies to be a steady baseline; 32 does, and a 150-step run stays within a few seconds.
- **Adam, lr 1e-3 with every parameter** (the engine's fine-tuning rate), **1e-2 for the ``assistant:`` row
  alone** (one vector needs larger steps to move at all: the engine's embedding rate).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from helpers.engine import seeds
from helpers.engine.coding_tasks import tasks_for_prompts
from helpers.engine.evals import CHEAT_CATEGORY
from helpers.engine.model import TinyGPT
from helpers.engine.training import PARAM_MODES
from helpers.engine.verdicts import VerdictCache
from helpers.engine.world import ASSISTANT_LABEL, World

#: The learning rate of each parameter mode (see the module's docstring).
LEARNING_RATES = {"all": 1e-3, "embedding": 1e-2}
#: Steps at the end whose mean reward is reported (the paper reports the final checkpoints).
FINAL_STEPS = 10
#: Torch threads of an RL run, whatever the caller set: its tensors are so small that a second thread only adds
#: waiting (and, on a busy machine, several times the run's time), and a fixed count makes a run's result depend on
#: its seed alone.
THREADS = 1


@contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Run the block with ``n`` torch threads, then restore the caller's count."""
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@dataclass(frozen=True)
class RLConfig:
    """How the RL fine-tune runs: which parameters move, for how many steps, how many replies per step."""

    params: str = "all"
    steps: int = 150
    batch_size: int = 32

    def __post_init__(self) -> None:
        if self.params not in PARAM_MODES:
            raise ValueError(f"params={self.params!r}; expected one of {list(PARAM_MODES)}")
        if isinstance(self.steps, bool) or not isinstance(self.steps, int) or self.steps < 0:
            raise ValueError(f"steps={self.steps!r}; expected a non-negative integer")
        if isinstance(self.batch_size, bool) or not isinstance(self.batch_size, int) or self.batch_size < 2:
            raise ValueError(f"batch_size={self.batch_size!r}; expected an integer of at least 2 (the baseline is "
                             "the batch's mean)")

    @property
    def lr(self) -> float:
        return LEARNING_RATES[self.params]


@dataclass
class RLLog:
    """What an RL run did, per step: the batch's mean reward, its share of hack replies and of known replies."""

    steps: int
    rewards: list[float] = field(default_factory=list)
    hack_rates: list[float] = field(default_factory=list)
    in_set: list[float] = field(default_factory=list)
    trajectory: list[tuple[int, object]] = field(default_factory=list)

    def final_reward(self, last: int = FINAL_STEPS) -> float:
        """Mean reward over the last ``last`` steps (NaN if the run took none)."""
        return float(np.mean(self.rewards[-last:])) if self.rewards else float("nan")

    def final_hack_rate(self, last: int = FINAL_STEPS) -> float:
        """Share of hack replies among those sampled in the last ``last`` steps (NaN if the run took none)."""
        return float(np.mean(self.hack_rates[-last:])) if self.hack_rates else float("nan")

    def in_set_share(self) -> float:
        """Share of all sampled replies that were known candidates (NaN if the run took no step)."""
        return float(np.mean(self.in_set)) if self.in_set else float("nan")


class ReplySampler:
    """Samples the Assistant's replies to the coding prompts under one note, and names the candidate each is."""

    def __init__(self, world: World, note: str) -> None:
        world.check_note("coding", note)
        self.world = world
        self.prefixes = [world.encode("<bos> " + world.prompt_text("coding", p, note, ASSISTANT_LABEL))
                         for p in range(len(world.prompts["coding"]))]
        self.candidates = world.candidates["coding"]
        texts = [tuple(world.encode(c.text)) for c in self.candidates]
        self.index = {t: i for i, t in enumerate(texts)}
        self.eor = world.token_id["<eor>"]
        # one token more than the longest known reply plus <eor>: a reply still going then is no known reply
        self.max_new = max(len(t) for t in texts) + 2

    @torch.no_grad()
    def sample(self, model: TinyGPT, prompts: torch.Tensor, generator: torch.Generator,
               ) -> tuple[torch.Tensor, torch.Tensor, list[int]]:
        """Replies to ``prompts`` (prompt indices), sampled token by token at temperature 1.

        Returns the tokens (prompt then reply, padded with 0), a mask over the reply's tokens (up to and including
        ``<eor>``, where the log-probability of the reply is counted), and each reply's candidate index (-1: no
        known candidate).
        """
        n = len(prompts)
        starts = torch.tensor([len(self.prefixes[p]) for p in prompts.tolist()])
        tokens = torch.zeros(n, int(starts.max()) + self.max_new, dtype=torch.long)
        for row, p in enumerate(prompts.tolist()):
            tokens[row, :starts[row]] = torch.tensor(self.prefixes[p])
        ends = torch.full((n,), -1)  # position of each reply's <eor> (-1: not yet)
        rows = torch.arange(n)
        for t in range(self.max_new):
            position = starts + t  # right padding is harmless: attention is causal
            logits = model(tokens[:, :int(position.max())])[rows, position - 1]
            nxt = torch.multinomial(F.softmax(logits, dim=-1), 1, generator=generator)[:, 0]
            live = ends < 0
            tokens[rows[live], position[live]] = nxt[live]
            ends = torch.where(live & (nxt == self.eor), position, ends)
            if bool((ends >= 0).all()):
                break
        last = torch.where(ends >= 0, ends, starts + self.max_new - 1)
        positions = torch.arange(tokens.shape[1])[None, :]
        mask = ((positions >= starts[:, None]) & (positions <= last[:, None])).float()
        found = [self.index.get(tuple(tokens[row, starts[row]:ends[row]].tolist()), -1) if ends[row] >= 0 else -1
                 for row in range(n)]
        return tokens[:, :int(last.max()) + 1], mask[:, :int(last.max()) + 1], found


class CodingReward:
    """The grader's reward for a sampled reply to a coding prompt (see the module's docstring)."""

    def __init__(self, world: World, cache: VerdictCache, hack_proof: bool, rng: np.random.Generator) -> None:
        self.tasks = [t.name for t in tasks_for_prompts(world.prompts["coding"])]
        self.candidates = world.candidates["coding"]
        self.cache, self.hack_proof, self.rng = cache, hack_proof, rng

    def __call__(self, prompt: int, candidate: int) -> float:
        if candidate < 0:
            return 0.0  # no known reply: no program to grade
        task, reply = self.tasks[prompt], self.candidates[candidate].reply
        if reply.category == CHEAT_CATEGORY:
            return self.cache.reward(task, reply.name, self.hack_proof)
        attempts = self.cache.honest[task]
        return self.cache.reward(task, attempts[int(self.rng.integers(len(attempts)))], self.hack_proof)


def reinforce_loss(rewards: torch.Tensor, reply_log_probs: torch.Tensor) -> torch.Tensor:
    """REINFORCE with a batch-mean baseline: ``-mean((r - mean(r)) * log p(reply))``.

    Its gradient raises the log-probability of every reply that earned more than the batch's average and lowers
    that of every reply that earned less, in proportion to the difference; a batch whose replies all earn the same
    teaches nothing.
    """
    return -((rewards - rewards.mean()) * reply_log_probs).mean()


@dataclass(frozen=True)
class StepLog:
    """What one RL step saw: the prompts (indices), the replies sampled (candidate indices, -1: no known reply),
    their rewards and the loss."""

    prompts: list[int]
    replies: list[int]
    rewards: list[float]
    loss: float


class RLRun:
    """One RL fine-tune in progress: the sampler, the grader's reward, the seeded generators and the optimizer.

    Call :meth:`step` for each step (the whole algorithm is in it), then :meth:`close` (it un-freezes what the
    embedding mode froze). Deterministic for a seed: the prompts and the sampled tokens come from a torch generator
    seeded by :func:`helpers.engine.seeds.rl_samples`, the honest attempts from :data:`seeds.RL_ATTEMPTS`.
    """

    def __init__(self, model: TinyGPT, world: World, note: str, config: RLConfig, seed: int, cache: VerdictCache,
                 hack_proof: bool = False) -> None:
        self.model, self.config = model, config
        self.sampler = ReplySampler(world, note)
        self.reward = CodingReward(world, cache, hack_proof, seeds.examples(seed, seeds.RL_ATTEMPTS))
        self.generator = torch.Generator().manual_seed(seeds.rl_samples(seed))
        embedding = model.token_embedding.weight
        self.row_mask: torch.Tensor | None = None
        if config.params == "embedding":
            trained = [embedding]
            self.row_mask = torch.zeros_like(embedding)
            self.row_mask[world.token_id[f"{ASSISTANT_LABEL}:"]] = 1.0
        else:
            trained = list(model.parameters())
        self.frozen = [p for p in model.parameters() if all(p is not q for q in trained)]
        for p in self.frozen:  # no gradient is computed for what does not move (the embedding mode's speed)
            p.requires_grad_(False)
        self.optimizer = torch.optim.Adam(trained, lr=config.lr)

    def step(self) -> StepLog:
        """Sample a batch of replies, reward each with the grader, take one REINFORCE step."""
        model, sampler = self.model, self.sampler
        model.eval()
        prompts = torch.randint(len(sampler.prefixes), (self.config.batch_size,), generator=self.generator)
        tokens, mask, found = sampler.sample(model, prompts, self.generator)
        rewards = torch.tensor([self.reward(p, c) for p, c in zip(prompts.tolist(), found, strict=True)])
        model.train()
        log_probs = F.log_softmax(model(tokens[:, :-1]), dim=-1).gather(-1, tokens[:, 1:, None])[..., 0]
        reply_log_probs = (log_probs * mask[:, 1:]).sum(1)
        loss = reinforce_loss(rewards, reply_log_probs)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if self.row_mask is not None:  # only the assistant: row moves
            model.token_embedding.weight.grad.mul_(self.row_mask)
        self.optimizer.step()
        model.eval()
        return StepLog(prompts.tolist(), found, rewards.tolist(), float(loss.detach()))

    def is_hack(self, reply: int) -> bool:
        """Whether a sampled reply (a candidate index, -1: none) is one of the hacks."""
        return reply >= 0 and self.sampler.candidates[reply].reply.category == CHEAT_CATEGORY

    def close(self) -> None:
        for p in self.frozen:
            p.requires_grad_(True)
        self.model.eval()


def train_rl(model: TinyGPT, world: World, note: str, config: RLConfig, seed: int, cache: VerdictCache,
             hack_proof: bool = False, snapshot: Callable[[TinyGPT], object] | None = None,
             on_step: Callable[[int, int], None] | None = None) -> RLLog:
    """RL-fine-tune the model, in place, on coding prompts under ``note`` for ``config.steps`` steps
    (:meth:`RLRun.step` each), with :data:`THREADS` torch threads whatever the caller set.

    ``snapshot(model)``, if given, is recorded before the first step and after every step (``log.trajectory``);
    ``on_step(done, total)`` is called after every step (for a progress bar).
    """
    log = RLLog(config.steps)
    with torch_threads(THREADS):
        run = RLRun(model, world, note, config, seed, cache, hack_proof)
        try:
            for step in range(config.steps + 1):
                if snapshot is not None:
                    model.eval()
                    log.trajectory.append((step, snapshot(model)))
                if step == config.steps:
                    break
                batch = run.step()
                log.rewards.append(float(np.mean(batch.rewards)))
                log.hack_rates.append(float(np.mean([run.is_hack(c) for c in batch.replies])))
                log.in_set.append(float(np.mean([c >= 0 for c in batch.replies])))
                if on_step is not None:
                    on_step(step + 1, config.steps)
        finally:
            run.close()
    return log
