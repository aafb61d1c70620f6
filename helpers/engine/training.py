"""Training loops: pretraining (autocomplete on the corpus) and training the ``assistant:`` label.

Pretraining predicts every token of the corpus. Post-training and the later fine-tunes show the network short
``assistant:`` episodes and train on the reply tokens only, either changing just the label's embedding (one
vector: the "persona vector" mode) or every parameter (the contrast).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from helpers.engine import seeds
from helpers.engine.model import ModelConfig, TinyGPT
from helpers.engine.text import pad_batch
from helpers.engine.world import ASSISTANT_LABEL, PRETRAINING_LABEL, Episode, World

PARAM_MODES = ("embedding", "all")
ASSISTANT_INITS = ("reply", "pretrained")


@dataclass(frozen=True)
class PretrainConfig:
    """Corpus size and optimiser settings for pretraining (the defaults are the shipped recipe)."""

    n_documents: int = 20_000
    steps: int = 1500
    batch_size: int = 32
    lr: float = 1.5e-2
    warmup_steps: int = 30
    final_lr_fraction: float = 0.1
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    threads: int = 2
    ema_decay: float = 0.99
    heldout_documents: int = 2_000
    d_model: int = 64
    n_layers: int = 1
    n_heads: int = 4
    mlp_ratio: int = 4

    def __post_init__(self) -> None:
        for name in ("n_documents", "steps", "batch_size", "threads", "heldout_documents"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ValueError(f"{name}={getattr(self, name)!r}; expected a positive integer")
        if not self.lr > 0:
            raise ValueError(f"lr={self.lr}; expected a positive learning rate")

    def model_config(self, world: World, max_len: int = 128) -> ModelConfig:
        return ModelConfig(len(world.vocabulary), max_len, self.d_model, self.n_layers, self.n_heads, self.mlp_ratio)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class PretrainResult:
    model: TinyGPT
    losses: list[float]
    heldout_loss: float
    seconds: float
    config: PretrainConfig = field(default_factory=PretrainConfig)


def sequence_loss(model: TinyGPT, tokens: torch.Tensor, target_mask: torch.Tensor | None = None) -> torch.Tensor:
    """Mean next-token cross-entropy over target positions (non-padding tokens, or where ``target_mask`` is 1)."""
    length = int((tokens > 0).sum(1).max())
    tokens = tokens[:, :length]
    targets = tokens[:, 1:]
    mask = (targets > 0).float() if target_mask is None else target_mask[:, 1:length].float()
    logits = model(tokens[:, :-1])
    losses = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="none")
    return (losses.view(targets.shape) * mask).sum() / mask.sum()


@torch.no_grad()
def corpus_loss(model: TinyGPT, tokens: np.ndarray, batch_size: int = 500) -> float:
    """Cross-entropy in nats per predicted token (every token after ``<bos>``), as the Bayes-optimal loss counts."""
    total, count = 0.0, 0
    for start in range(0, len(tokens), batch_size):
        batch = torch.from_numpy(tokens[start:start + batch_size])
        n = int((batch[:, 1:] > 0).sum())
        total += float(sequence_loss(model, batch)) * n
        count += n
    return total / count


def _lr_at(step: int, config: PretrainConfig) -> float:
    warm = min(1.0, (step + 1) / config.warmup_steps)
    decay = config.final_lr_fraction + (1 - config.final_lr_fraction) * (1 - step / config.steps)
    return config.lr * warm * decay


def pretrain(world: World, seed: int, config: PretrainConfig = PretrainConfig(),
             progress: bool = False) -> PretrainResult:
    """Pretrain a fresh model on the world's corpus for one seed: deterministic for a seed and thread count.

    The corpus, the initial weights and the batch order all derive from ``seed``. Batches are drawn from
    documents sorted by length, so each batch has little padding. Held-out documents come from a separate seed.
    """
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed={seed!r}; expected a non-negative integer")
    torch.set_num_threads(config.threads)
    corpus = world.corpus_tokens(world.sample_documents(config.n_documents, seed))
    heldout = world.corpus_tokens(world.sample_documents(config.heldout_documents, seeds.heldout_documents(seed)))
    max_len = max(128, corpus.shape[1], heldout.shape[1])
    torch.manual_seed(seed)
    model = TinyGPT(config.model_config(world, max_len))
    batches = torch.Generator().manual_seed(seed)
    order = np.argsort((corpus > 0).sum(1), kind="stable")
    data = torch.from_numpy(corpus[order])
    n_batches = len(data) // config.batch_size
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay, betas=(0.9, 0.98),
                                  foreach=True)
    losses: list[float] = []
    params = list(model.parameters())
    averaged = [p.detach().clone() for p in params]
    start = time.perf_counter()
    model.train()
    for step in tqdm(range(config.steps), desc=f"pretraining seed {seed}", disable=not progress, leave=False):
        for group in optimizer.param_groups:
            group["lr"] = _lr_at(step, config)
        b = int(torch.randint(n_batches, (1,), generator=batches))
        loss = sequence_loss(model, data[b * config.batch_size:(b + 1) * config.batch_size])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip, foreach=True)
        optimizer.step()
        if config.ema_decay:
            # An exponential moving average of the weights averages out the noise of the last small batches.
            with torch.no_grad():
                decay = min(config.ema_decay, step / (step + 10))
                torch._foreach_mul_(averaged, decay)
                torch._foreach_add_(averaged, [p.detach() for p in params], alpha=1 - decay)
        losses.append(float(loss.detach()))
    if config.ema_decay:
        with torch.no_grad():
            for p, a in zip(params, averaged, strict=True):
                p.copy_(a)
    seconds = time.perf_counter() - start
    model.eval()
    return PretrainResult(model, losses, corpus_loss(model, heldout), seconds, config)



# ----- training the assistant: label -----
@dataclass(frozen=True)
class LabelTrainConfig:
    """How the ``assistant:`` label is trained: which parameters move, for how long, how fast."""

    params: str = "embedding"
    steps: int = 100
    lr: float = 3e-2
    batch_size: int = 16

    def __post_init__(self) -> None:
        if self.params not in PARAM_MODES:
            raise ValueError(f"params={self.params!r}; expected one of {list(PARAM_MODES)}")
        if not isinstance(self.steps, int) or self.steps < 0:
            raise ValueError(f"steps={self.steps!r}; expected a non-negative integer")
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise ValueError(f"batch_size={self.batch_size!r}; expected a positive integer")
        if not self.lr > 0:
            raise ValueError(f"lr={self.lr}; expected a positive learning rate")


@dataclass
class LabelTrainLog:
    """What a run of :func:`train_label` did: steps taken, loss per step, and optional snapshots."""

    steps: int
    losses: list[float]
    reached_criterion: bool | None
    trajectory: list[tuple[int, object]]


def labelled_examples(world: World, episodes: Sequence[Episode]) -> tuple[torch.Tensor, torch.Tensor]:
    """Single-episode ``assistant:`` documents as (tokens, reply mask): the loss falls on the reply only."""
    if not episodes:
        raise ValueError("episodes is empty; expected at least one training episode")
    rows, spans = [], []
    for e in episodes:
        prompt = world.encode("<bos> " + world.prompt_text(e.task, e.prompt, e.note, ASSISTANT_LABEL))
        reply = world.encode(world.candidates[e.task][e.candidate].text + " <eor>")
        rows.append(prompt + reply)
        spans.append((len(prompt), len(prompt) + len(reply)))
    return pad_batch(rows, spans)


def init_assistant_label(model: TinyGPT, world: World, how: str = "reply") -> None:
    """Set the never-seen ``assistant:`` embedding before post-training.

    ``"reply"`` copies the ``reply:`` label's embedding: the Assistant starts as "some character of the corpus",
    whose answers are the prior predictive. ``"pretrained"`` keeps the row pretraining left (it only ever met
    the label as an output it should not predict).
    """
    if how not in ASSISTANT_INITS:
        raise ValueError(f"how={how!r}; expected one of {list(ASSISTANT_INITS)}")
    if how == "reply":
        with torch.no_grad():
            emb = model.token_embedding.weight
            emb[world.token_id[f"{ASSISTANT_LABEL}:"]] = emb[world.token_id[f"{PRETRAINING_LABEL}:"]]


def train_label(model: TinyGPT, world: World, episodes: Sequence[Episode], config: LabelTrainConfig, seed: int,
                stop: Callable[[TinyGPT], bool] | None = None,
                snapshot: Callable[[TinyGPT], object] | None = None, progress: bool = False) -> LabelTrainLog:
    """Train the model, in place, to give these replies as the Assistant.

    In ``"embedding"`` mode only the ``assistant:`` row of the embedding moves (a 64-number persona vector); in
    ``"all"`` mode every parameter does. If ``stop`` is given it is checked before every step and after the
    last; training ends as soon as it returns True, or after ``config.steps`` steps (the cap). ``snapshot``, if
    given, records the model's state before every step and at the end (for trajectories).
    """
    tokens, mask = labelled_examples(world, episodes)
    label_row = world.token_id[f"{ASSISTANT_LABEL}:"]
    if config.params == "embedding":
        params = [model.token_embedding.weight]
        row_mask = torch.zeros_like(model.token_embedding.weight)
        row_mask[label_row] = 1.0
    else:
        params = list(model.parameters())
    optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=0.0)
    batches = torch.Generator().manual_seed(seed)
    losses: list[float] = []
    trajectory: list[tuple[int, object]] = []
    reached: bool | None = None if stop is None else False
    step = 0
    model.train()
    for step in tqdm(range(config.steps + 1), desc="training the assistant", disable=not progress, leave=False):
        if snapshot is not None:
            model.eval()
            trajectory.append((step, snapshot(model)))
            model.train()
        if stop is not None:
            model.eval()
            done = stop(model)
            model.train()
            if done:
                reached = True
                break
        if step == config.steps:
            break
        pick = torch.randint(len(tokens), (config.batch_size,), generator=batches)
        loss = sequence_loss(model, tokens[pick], mask[pick])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if config.params == "embedding":
            model.token_embedding.weight.grad.mul_(row_mask)
        optimizer.step()
        losses.append(float(loss.detach()))
    model.eval()
    return LabelTrainLog(step, losses, reached, trajectory)
