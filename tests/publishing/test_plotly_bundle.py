"""The plotly.js bundle the pages ship (helpers.publishing.plotly_bundle): pinned at plotly's own plotly.js version,
the smallest that registers every trace type the committed notebooks draw, and a fallback that says why."""

from __future__ import annotations

import json

import pytest

from conftest import in_ci, require
from helpers import PROJECT_ROOT
from helpers.publishing import plotly_bundle, rendering
from helpers.publishing.notebooks import find_lessons

NPM_MISSING = "needs the npm packages: run `npm ci --ignore-scripts` (Debian: `sudo apt install npm`)"


@pytest.fixture(scope="module")
def lesson_types() -> dict[str, set[str]]:
    return plotly_bundle.notebook_trace_types(find_lessons(required=True))


def test_package_json_pins_the_bundle_at_plotlys_own_version():
    package = json.loads((PROJECT_ROOT / "package.json").read_text())
    lock = json.loads((PROJECT_ROOT / "package-lock.json").read_text())
    wanted = plotly_bundle.expected_version()
    assert package["dependencies"][plotly_bundle.NPM_PACKAGE] == wanted
    assert lock["packages"][""]["dependencies"] == package["dependencies"], "package-lock.json is out of date"
    for name, version in package["dependencies"].items():
        assert version[0].isdigit(), f"{name} must be pinned at an exact version, got {version!r}"
        entry = lock["packages"][f"node_modules/{name}"]
        assert entry["version"] == version and entry["integrity"].startswith("sha512-"), name
    assert "axe-core" in package["dependencies"], "the accessibility tests load node_modules/axe-core/axe.min.js"
    assert "node_modules/" in (PROJECT_ROOT / ".gitignore").read_text().split()


def test_the_installed_bundle_is_the_one_shipped_at_plotlys_version():
    require(plotly_bundle.cartesian_bundle().is_file(), NPM_MISSING)
    small = plotly_bundle.cartesian_bundle()
    assert plotly_bundle.bundle_version(small) == plotly_bundle.expected_version()
    assert plotly_bundle.bundle_version(plotly_bundle.full_bundle()) == plotly_bundle.expected_version()
    assert plotly_bundle.choose_bundle() == (small, None) and rendering.plotly_js_path() == small
    assert small.stat().st_size < plotly_bundle.full_bundle().stat().st_size / 2


def test_without_npm_or_at_another_version_the_full_bundle_is_used_and_says_why(tmp_path):
    path, note = plotly_bundle.choose_bundle(tmp_path / "node_modules")
    assert path == plotly_bundle.full_bundle() and "npm ci" in note and "\n" not in note
    stale = plotly_bundle.cartesian_bundle(tmp_path / "node_modules")
    stale.parent.mkdir(parents=True)
    stale.write_text("/**\n* plotly.js (cartesian - minified) v0.9.0\n*/\nvar Plotly;")
    path, note = plotly_bundle.choose_bundle(tmp_path / "node_modules")
    assert path == plotly_bundle.full_bundle() and "0.9.0" in note and plotly_bundle.expected_version() in note


def test_bundle_version_reads_the_header_and_refuses_other_files(tmp_path):
    full = tmp_path / "plotly.min.js"
    full.write_text("/**\n* plotly.js v4.1.1\n* Copyright 2012-2026, Plotly, Inc.\n*/")
    assert plotly_bundle.bundle_version(full) == "4.1.1"
    other = tmp_path / "other.js"
    other.write_text("console.log(1)")
    with pytest.raises(ValueError, match="header"):
        plotly_bundle.bundle_version(other)


def test_trace_types_include_frames_buttons_and_the_scatter_default():
    figure = {"data": [{"y": [1]}, {"type": "bar"}], "frames": [{"data": [{"type": "heatmap"}]}],
              "layout": {"updatemenus": [{"buttons": [{"args": [{"type": ["box", "bar"]}]}, {"args": ["x"]}]}],
                         "sliders": [{"steps": [{"args": [{"type": "violin"}]}]}]}}
    assert plotly_bundle.trace_types(figure) == {"scatter", "bar", "heatmap", "box", "violin"}
    assert plotly_bundle.trace_types({"data": []}) == set()


def test_the_cartesian_bundle_is_the_smallest_that_draws_every_lesson(lesson_types):
    used = set().union(*lesson_types.values())
    assert used, "the committed notebooks draw plotly figures"
    missing = used - plotly_bundle.CARTESIAN_TRACES
    assert not missing, f"not in the cartesian bundle: {sorted(missing)}"
    assert not used <= plotly_bundle.BASIC_TRACES, "the smaller basic bundle would do: switch NPM_PACKAGE to it"


def test_the_bundle_registers_every_trace_type_the_notebooks_use(needs_browser, lesson_types):
    require(plotly_bundle.cartesian_bundle().is_file() or not in_ci(), NPM_MISSING)
    from playwright.sync_api import sync_playwright

    from helpers.publishing.browser import launch_chromium

    bundle = rendering.plotly_js_path()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            page.set_content("<!doctype html><html><body><div id='g'></div></body></html>")
            page.add_script_tag(path=str(bundle))
            registered = set(page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)"))
            version = page.evaluate("Plotly.version")
            drawn = page.evaluate("""async () => { await Plotly.newPlot('g', [{type: 'heatmap', z: [[1, 2]]},
                {type: 'bar', y: [1]}, {y: [2, 3]}]);
                const count = (selector) => document.querySelectorAll('#g ' + selector).length;
                return [count('.hm image'), count('.bars .point'), count('.scatterlayer .trace')]; }""")
        finally:
            browser.close()
    assert version == plotly_bundle.expected_version()
    for name, types in lesson_types.items():
        assert types <= registered, f"{name} draws {sorted(types - registered)}, which {bundle.name} lacks"
    if bundle == plotly_bundle.cartesian_bundle():
        assert registered == plotly_bundle.CARTESIAN_TRACES
    assert drawn == [1, 1, 1], "a heatmap, a bar and a scatter trace draw"
