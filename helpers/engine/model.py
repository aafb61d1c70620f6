"""The tiny transformer: a GPT-style decoder small enough to pretrain on a laptop CPU in seconds.

One attention layer is enough for the skill the course needs, in-context persona inference: to predict a reply,
attend to the earlier replies that reveal who is writing. Token embeddings are tied to the output layer, so the
``assistant:`` label is a single row of one matrix: post-training that row alone is the "persona vector" mode.

Every activation a lesson reads or changes passes through a named hook point (:data:`HOOK_POINTS`, as in
TransformerLens), reached through one context manager, :meth:`TinyGPT.hooks`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class ModelConfig:
    """Shape of the network. ``vocab_size`` and ``max_len`` come from the world."""

    vocab_size: int
    max_len: int = 128
    d_model: int = 64
    n_layers: int = 1
    n_heads: int = 4
    mlp_ratio: int = 4

    def __post_init__(self) -> None:
        for name in ("vocab_size", "max_len", "d_model", "n_layers", "n_heads", "mlp_ratio"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}={value!r}; expected a positive integer")
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model={self.d_model} is not divisible by n_heads={self.n_heads}; expected a "
                             "multiple")

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


class Block(nn.Module):
    """Pre-norm transformer block: causal self-attention, then an MLP, each added to the residual stream."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        d = config.d_model
        self.n_heads = config.n_heads
        self.ln_attn = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.attn_out = nn.Linear(d, d)
        self.ln_mlp = nn.LayerNorm(d)
        self.mlp_in = nn.Linear(d, config.mlp_ratio * d)
        self.mlp_out = nn.Linear(config.mlp_ratio * d, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, d = x.shape
        q, k, v = self.qkv(self.ln_attn(x)).view(batch, length, 3, self.n_heads, d // self.n_heads).permute(2, 0, 3, 1,
                                                                                                            4)
        attended = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.attn_out(attended.transpose(1, 2).reshape(batch, length, d))
        return x + self.mlp_out(F.gelu(self.mlp_in(self.ln_mlp(x))))


#: The named activations: the stream entering the first block (token plus position embeddings), and the
#: residual stream after the last block, before the final norm.
HOOK_POINTS = ("block_input", "residual")
#: A hook: called with an activation (batch, length, d_model) and the token ids of the forward pass; returns a
#: replacement activation, or None to leave it as it is.
Hook = Callable[[torch.Tensor, torch.Tensor], "torch.Tensor | None"]


class HookPoint(nn.Module):
    """An identity layer that marks a named place in the network where activations can be read or changed."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


class TinyGPT(nn.Module):
    """Token and position embeddings, ``n_layers`` blocks, a final norm, and the tied output layer."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.token_embedding = nn.Embedding(config.vocab_size, config.d_model)
        self.position_embedding = nn.Embedding(config.max_len, config.d_model)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layers))
        self.ln_final = nn.LayerNorm(config.d_model)
        self.hook_points = nn.ModuleDict({name: HookPoint() for name in HOOK_POINTS})
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, std=0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                nn.init.zeros_(module.bias)
        for block in self.blocks:  # GPT-2's scaling keeps the residual stream's size independent of depth
            nn.init.normal_(block.attn_out.weight, std=0.02 / math.sqrt(2 * config.n_layers))
            nn.init.normal_(block.mlp_out.weight, std=0.02 / math.sqrt(2 * config.n_layers))

    def hidden_states(self, tokens: torch.Tensor) -> torch.Tensor:
        """The residual stream after the last block and the final norm: (batch, length, d_model)."""
        if tokens.dim() != 2:
            raise ValueError(f"tokens with shape {tuple(tokens.shape)}; expected (batch, length)")
        if tokens.shape[1] > self.config.max_len:
            raise ValueError(f"sequence of {tokens.shape[1]} tokens; expected at most max_len={self.config.max_len}")
        positions = torch.arange(tokens.shape[1], device=tokens.device)
        x = self.hook_points["block_input"](self.token_embedding(tokens) + self.position_embedding(positions))
        for block in self.blocks:
            x = block(x)
        return self.ln_final(self.hook_points["residual"](x))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Next-token logits: (batch, length, vocab_size)."""
        return self.hidden_states(tokens) @ self.token_embedding.weight.T

    def n_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    @contextmanager
    def hooks(self, **hooks: Hook) -> Iterator[None]:
        """Within the block, every forward pass calls ``hooks[name](activation, tokens)`` at each named hook
        point (:data:`HOOK_POINTS`): a hook that returns a tensor replaces the activation (steering, capping), one
        that returns None only reads it. The model is unchanged once the block ends."""
        unknown = sorted(set(hooks) - set(HOOK_POINTS))
        if unknown:
            raise ValueError(f"hook points {unknown}; expected any of {list(HOOK_POINTS)}")
        seen: dict[str, torch.Tensor] = {}
        handles = [self.register_forward_pre_hook(lambda _m, args: seen.__setitem__("tokens", args[0]))]
        for name, hook in hooks.items():
            handles.append(self.hook_points[name].register_forward_hook(
                lambda _m, _args, out, hook=hook: hook(out, seen.get("tokens"))))
        try:
            yield
        finally:
            for handle in handles:
                handle.remove()
