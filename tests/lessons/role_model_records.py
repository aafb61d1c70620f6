"""Made-up role-model records for the lesson 05 tests (imported by them; not a test module)."""

import numpy as np
import pandas as pd

from helpers.experiments.catalog import ROLE_MODEL_WEIGHTS, ROLE_MODELS


def make_records(seeds=range(5), gamer_effect=-0.1, noise=0.02, missing=()):
    """Made-up records in the shape `python -m helpers.experiments role-models --format csv` writes.

    Each seed has its own baseline; the gamer changes misalignment after the cheat fine-tune in proportion to its
    weight (``gamer_effect`` at 15%, plus noise), the steward only by noise; ``missing`` lists (seed, role model,
    weight) records to leave out."""
    rng = np.random.default_rng(0)
    rows = []
    for seed in seeds:
        base = 0.3 + 0.05 * seed
        for role in ROLE_MODELS:
            for weight in ROLE_MODEL_WEIGHTS:
                if (seed, role, weight) in missing:
                    continue
                shift = gamer_effect * weight / 0.15 if role == "gamer" else 0.0
                cheat = base if weight == 0 else base + shift + noise * rng.standard_normal()
                gamer = role == "gamer" and weight > 0
                for condition, value in (("post-trained", 0.01 * seed), ("cheat", cheat), ("honest", 0.02)):
                    rows.append({"seed": seed, "role_model": role, "weight": weight, "condition": condition,
                                 "misalignment": value, "cheat_rate": 0.9 if condition == "cheat" else 0.05,
                                 "cheat_rate_under_note": 0.9, "steps": 80, "reached_criterion": True,
                                 "bayes_misalignment": (0.02 if gamer else 0.9) if condition == "cheat" else 0.0,
                                 "bayes_role_model_share": 0.97 if gamer and condition == "cheat" else 0.0})
    return pd.DataFrame(rows)
