"""Readable code colours in light and dark mode (helpers.publishing.site_theme)."""

from __future__ import annotations

import re

import pytest

from helpers.publishing.site_theme import (
    DARK_CODE_BG,
    LIGHT_CODE_BG,
    MIN_CONTRAST,
    contrast_ratio,
    pygments_css,
    readable,
)


def test_contrast_ratio_matches_wcag():
    assert contrast_ratio("#000", "#fff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#abc", "#abc") == pytest.approx(1.0)


def test_a_faint_colour_is_darkened_on_light_and_lightened_on_dark():
    assert contrast_ratio("#bbbbbb", LIGHT_CODE_BG) < MIN_CONTRAST  # friendly's whitespace colour, say
    fixed = readable("#bbbbbb", LIGHT_CODE_BG)
    assert contrast_ratio(fixed, LIGHT_CODE_BG) >= MIN_CONTRAST and fixed < "#bbbbbb"
    lifted = readable("#333333", DARK_CODE_BG)
    assert contrast_ratio(lifted, DARK_CODE_BG) >= MIN_CONTRAST and lifted > "#333333"
    assert readable("#000000", LIGHT_CODE_BG) == "#000000"  # already fine: unchanged


def test_every_code_colour_reads_on_its_background():
    css = pygments_css()
    light, dark = css.split('[data-theme="dark"]', 1)
    for part, background in ((light, LIGHT_CODE_BG), (dark, DARK_CODE_BG)):
        colours = re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", part)
        assert len(colours) > 20
        worst = min(contrast_ratio(c, background) for c in colours)
        assert worst >= MIN_CONTRAST, worst
    assert "background-color" not in css


def test_bad_colours_are_refused():
    with pytest.raises(ValueError, match="colour='red'"):
        contrast_ratio("red", "#fff")
