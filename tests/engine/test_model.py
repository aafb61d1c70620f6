"""The tiny transformer: shapes, bad input, and its named hook points."""

import pytest
import torch

from helpers.engine.model import HOOK_POINTS, ModelConfig, TinyGPT


def test_model_logits_have_vocabulary_width(world):
    model = TinyGPT(ModelConfig(len(world.vocabulary), d_model=16, n_heads=2))
    logits = model(torch.zeros(3, 7, dtype=torch.long))
    assert logits.shape == (3, 7, len(world.vocabulary))


@pytest.mark.parametrize("kwargs", [dict(vocab_size=0), dict(vocab_size=10, d_model=30, n_heads=4),
                                    dict(vocab_size=10, n_layers=0), dict(vocab_size=10, max_len=-1)])
def test_model_config_rejects_bad_shapes(kwargs):
    with pytest.raises(ValueError, match="expected"):
        ModelConfig(**kwargs)


def test_model_rejects_sequences_longer_than_max_len():
    model = TinyGPT(ModelConfig(10, max_len=4, d_model=8, n_heads=2))
    with pytest.raises(ValueError, match="max_len"):
        model(torch.zeros(1, 5, dtype=torch.long))
    with pytest.raises(ValueError, match="batch, length"):
        model(torch.zeros(5, dtype=torch.long))


def test_hooks_read_and_replace_named_activations_and_leave_the_model_as_it_was():
    torch.manual_seed(0)
    model = TinyGPT(ModelConfig(12, d_model=8, n_heads=2))
    tokens = torch.tensor([[1, 4, 5, 2]])
    before = model(tokens)
    seen = {}

    def read(x, t):
        seen["input"] = (x.clone(), t.clone())

    with model.hooks(block_input=read):
        assert torch.equal(model(tokens), before)            # a hook that returns None only reads
    x, t = seen["input"]
    assert torch.equal(t, tokens) and x.shape == (1, 4, 8)
    with model.hooks(residual=lambda x, _t: torch.zeros_like(x)):
        assert not torch.allclose(model(tokens), before)     # a hook that returns a tensor replaces the activation
    assert torch.equal(model(tokens), before)                # and is gone once the block ends
    assert not any(point._forward_hooks for point in model.hook_points.values()) and not model._forward_pre_hooks
    assert set(model.hook_points) == set(HOOK_POINTS)
    assert not any(name.startswith("hook_points") for name in model.state_dict())  # no weights: files load as before


def test_an_unknown_hook_point_is_refused():
    model = TinyGPT(ModelConfig(12, d_model=8, n_heads=2))
    with pytest.raises(ValueError, match="hook points"):
        with model.hooks(attention=lambda x, t: x):
            pass
