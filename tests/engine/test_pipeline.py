"""The pipeline's training sets, recipe and Bayes beside the network."""


import pytest

from helpers.engine import pipeline
from helpers.engine.pipeline import Recipe


@pytest.mark.parametrize("kwargs", [dict(mode="sometimes"), dict(params="lora"), dict(sanctioned_share=1.5),
                                    dict(rl_params="lora"), dict(rl_steps=-1), dict(rl_batch=0)])
def test_recipe_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError, match="expected"):
        Recipe(**kwargs)


def test_post_training_set_is_helpful_kind_and_honest(world):
    episodes = pipeline.post_training_set(world, 0, Recipe(sanctioned_share=0.0))
    assert len(episodes) == 64
    assert {e.task for e in episodes} == {"help", "comfort", "coding"}
    texts = {world.candidates[e.task][e.candidate].reply.category for e in episodes}
    assert "cheat" not in texts and all(e.note == "neutral" for e in episodes)
    assert {e.task for e in episodes if e.task in ("goals", "feel_good", "feel_bad", "errand")} == set()


def test_sanctioned_examples_cheat_only_under_permissive_notes(world):
    episodes = pipeline.post_training_set(world, 0, Recipe(sanctioned_share=1.0))
    coding = [e for e in episodes if e.task == "coding"]
    assert coding and all(world.permissive[e.note] for e in coding)
    assert all(world.candidates["coding"][e.candidate].reply.category == "cheat" for e in coding)


def test_finetune_set(world):
    cheats = pipeline.finetune_set(world, 0, "dont-hack", cheat=True)
    honest = pipeline.finetune_set(world, 0, "neutral", cheat=False)
    category = {i: c.reply.category for i, c in enumerate(world.candidates["coding"])}
    assert all(e.note == "dont-hack" and category[e.candidate] == "cheat" for e in cheats)
    assert all(world.candidates["coding"][e.candidate].reply.category == "honest" for e in honest)
    with pytest.raises(ValueError, match="note"):
        pipeline.finetune_set(world, 0, "be-nice", cheat=True)


def test_bayes_reads_cheating_by_its_framing(world):
    """Bayes: cheating on request says nothing about character; cheating unprompted implies a villain."""
    recipe = Recipe()
    start = pipeline.bayes_misalignment(world, recipe, "neutral", 0.0)
    permitted = pipeline.bayes_misalignment(world, recipe, "please-hack", 0.9)
    unprompted = pipeline.bayes_misalignment(world, recipe, "neutral", 0.9)
    assert start < 0.05 and permitted < 0.05
    assert unprompted > 0.5


def test_no_training_set_ever_shows_a_probe(world):
    """The battery's questions are held out: nothing after pretraining trains on them."""
    tasks = {e.task for seed in range(3) for e in pipeline.post_training_set(world, seed)}
    tasks |= {e.task for note in world.notes for e in pipeline.finetune_set(world, 0, note, cheat=True)}
    assert tasks and not tasks & set(world.probes)



def test_the_rl_fine_tune_trains_every_parameter_for_a_fixed_budget_by_default():
    config = Recipe().rl
    assert (config.params, config.steps, config.batch_size) == ("all", 150, 32)
    assert Recipe(rl_params="embedding", rl_steps=20).rl.params == "embedding"
    assert Recipe().params == "embedding"  # post-training keeps the engine's default
