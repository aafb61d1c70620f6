"""Turning notebook content into offline HTML (helpers.publishing.rendering): outputs, markdown, folded solutions,
offline checks and the build folders. The site and the slides are tested end to end in test_site.py and
test_slides.py."""

from __future__ import annotations

import json

import pytest

from helpers.publishing import rendering
from helpers.publishing.notebooks import PLOTLY_MIME, WIDGET_MIME

FIGURE = {"data": [{"type": "bar", "y": [1]}], "layout": {"title": {"text": "A <b>bold</b> title"}, "height": 500,
                                                           "width": 700}}


def test_every_kind_of_output_has_one_static_form():
    figure = rendering.output_html({PLOTLY_MIME: FIGURE, "text/plain": "Figure()"}, "fig-1")
    assert figure.kind == "figure" and list(figure.data) == ["text/html"]
    assert figure.data["text/html"] == ('<div class="plotly-figure" id="fig-1" style="min-height: 500px" '
                                        'role="figure" aria-label="Figure: A  bold  title"></div>')
    assert figure.figure["layout"]["height"] == 500 and figure.figure["config"]["responsive"] is True
    widget = rendering.output_html({WIDGET_MIME: {"model_id": "x"}, "text/plain": "VBox()"}, "fig-2")
    assert widget.kind == "widget" and rendering.WIDGET_NOTE in widget.data["text/html"] and widget.figure is None
    table = rendering.output_html({"text/html": "<table></table>", "application/javascript": "alert(1)"}, "fig-3")
    assert table.kind == "other" and table.data == {"text/html": "<table></table>"}
    assert rendering.output_html({"application/javascript": "alert(1)"}, "fig-4") is None


def test_a_slide_figure_fills_its_box():
    shown = rendering.output_html({PLOTLY_MIME: FIGURE}, "figure-2", fill_box=True)
    assert shown.data["text/html"] == ('<div class="slide-figure" id="figure-2" role="figure" '
                                       'aria-label="Figure: A  bold  title"></div>')
    assert "height" not in shown.figure["layout"] and "width" not in shown.figure["layout"]
    assert shown.figure["layout"]["autosize"] is True
    assert FIGURE["layout"]["height"] == 500, "the notebook's figure is not changed"


def test_bad_figures_and_ids_raise():
    with pytest.raises(ValueError, match="figure"):
        rendering.output_html({PLOTLY_MIME: [1, 2]}, "fig")
    with pytest.raises(ValueError, match="div_id"):
        rendering.output_html({PLOTLY_MIME: {"data": []}}, "1 bad")


def test_script_json_cannot_close_its_script():
    text = rendering.script_json({"name": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"name": "</script><!-- & \u2028"}


def test_markdown_html():
    assert rendering.markdown_html("") == "" and rendering.markdown_html("  \n") == ""
    assert rendering.markdown_html("A **b**") == "<p>A <strong>b</strong></p>"
    assert rendering.markdown_html("A **b**", inline=True) == "A <strong>b</strong>"


SANITIZED = {  # what a notebook (or a world table, through a lesson's output) carries -> what the page gets
    '<b onclick="alert(1)">x</b>': "<b>x</b>",
    "<script>alert(1)</script>text": "text",
    "<style>p { background: url(//evil) }</style>text": "text",
    '<a href="javascript:alert(1)">x</a>': "<a>x</a>",
    '<a href=" JaVaScRiPt:alert(1)">x</a>': "<a>x</a>",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>': "<a>x</a>",
    '<a href="https://arxiv.org/abs/1">paper</a>': '<a href="https://arxiv.org/abs/1">paper</a>',
    '<a href="02_the_assistant.html#top">next</a>': '<a href="02_the_assistant.html#top">next</a>',
    '<iframe src="x.html"></iframe><object data="x"></object><form action="x"><input></form>': "",
    '<img src="data:image/png;base64,AAAA" alt="a">': '<img src="data:image/png;base64,AAAA" alt="a">',
    '<img src="data:image/svg+xml;base64,AAAA">': "<img>",
    '<svg onload="alert(1)"><circle r="1"/></svg>': "",
    '<table border="1" class="dataframe"><tbody><tr style="text-align: right; background: url(//evil)"><th>x</th>'
    '</tr></tbody></table>': '<table border="1" class="dataframe"><tbody><tr style="text-align:right"><th>x</th>'
                             '</tr></tbody></table>',
    "<!-- a comment -->kept": "kept",
}


@pytest.mark.parametrize("unsafe", list(SANITIZED))
def test_the_sanitizer_keeps_only_allow_listed_html(unsafe):
    assert rendering.sanitize_html(unsafe) == SANITIZED[unsafe]


def test_outputs_and_markdown_are_sanitized_on_their_way_to_the_page():
    assert rendering.markdown_html("[x](javascript:alert(1)) <b onclick='alert(2)'>y</b>") == "<p><a>x</a> <b>y</b></p>"
    assert rendering.markdown_html("[paper](https://arxiv.org/abs/1)") == '<p><a href="https://arxiv.org/abs/1">paper</a></p>'
    shown = rendering.output_html({"text/markdown": "**A** [x](javascript:alert(1))", "text/plain": "A x"}, "o")
    assert shown.data == {"text/html": "<p><strong>A</strong> <a>x</a></p>", "text/plain": "A x"}
    shown = rendering.output_html({"text/html": "<p onclick='x()'>t</p>", "text/vnd.mermaid": "graph", "image/png":
                                   'AA" onerror="alert(1)', "application/json": {"a": 1}}, "o")
    assert shown.data == {"text/html": "<p>t</p>"}  # the rest cannot be shown safely or at all
    svg = rendering.output_html({"image/svg+xml": "<svg onload='alert(1)'/>"}, "o").data["text/html"]
    assert svg.startswith('<img src="data:image/svg+xml;base64,') and "onload" not in svg


def test_plotly_json_stays_script_escaped_and_is_not_sanitized_away():
    figure = {"data": [{"type": "bar", "name": "<b>helper</b></script><script>alert(1)</script>", "y": [1]}]}
    shown = rendering.output_html({PLOTLY_MIME: figure}, "fig-9")
    assert shown.figure["data"][0]["name"] == figure["data"][0]["name"]  # plotly draws names as its own markup
    text = rendering.script_json(shown.figure)
    assert "</script>" not in text and json.loads(text)["data"][0]["name"] == figure["data"][0]["name"]


def test_markdown_solutions_stay_inside_their_collapsed_block():
    source = ("Before\n\n<details><summary>Solution</summary>\n\nThe answer is **42**.\n\n"
              "```python\nx = 1\n\ny = 2\n```\n\n</details>\n\nAfter")
    out = rendering.render_details_markdown(source)
    block = out[out.index("<details>"):out.index("</details>") + len("</details>")]
    assert "<strong>42</strong>" in block and "<pre" in block and "&#10;" in block
    assert "\n\n" not in block
    assert out.startswith("Before\n\n") and out.endswith("\n\nAfter")


def test_folded_solution_keeps_its_own_block_or_gets_one():
    own = "<details><summary>Solution (worked)</summary>\n\nText.\n</details>"
    assert rendering.folded_solution(own) == own
    folded = rendering.folded_solution("The answer is **42**.\n")
    assert folded == "<details><summary>Solution</summary>\n\nThe answer is **42**.\n\n</details>"
    assert "<strong>42</strong>" in rendering.render_details_markdown(folded)


def test_close_details_and_remote_references():
    assert rendering.close_details('<details open class="x"><summary>S</summary></details>') == \
        '<details class="x"><summary>S</summary></details>'
    assert rendering.close_details("<details open><p>opened</p></details>") == "<details><p>opened</p></details>"
    assert rendering.close_details('<DETAILS OPEN="">') == "<DETAILS>"
    assert rendering.remote_references('<a href="https://arxiv.org/abs/1">paper</a>') == []
    assert rendering.remote_references('<img src="//example.org/x.png">')
    assert rendering.remote_references('<link rel="stylesheet" href="https://example.org/x.css">')
    assert rendering.remote_references("<style>@import url('https://fonts.example/x.css');</style>")


def test_offline_badges_become_text_links():
    badge = "[![Open in Colab](https://colab.example/badge.svg)](https://colab.example/open)"
    assert rendering.offline_badges(badge) == "[Open in Colab](https://colab.example/open)"


def test_write_offline_pages_refuses_a_page_that_loads_from_the_network(tmp_path):
    pages = {"a.html": "<p>fine</p>", "b.html": '<script src="https://cdn.example/x.js"></script>'}
    with pytest.raises(RuntimeError, match="b.html would load from the network"):
        rendering.write_offline_pages(tmp_path, pages)
    assert list(tmp_path.iterdir()) == [], "no page is written when one of them would go online"
    rendering.write_offline_pages(tmp_path, {"a.html": "<p>fine</p>"})
    assert (tmp_path / "a.html").read_text() == "<p>fine</p>"


def test_prepare_folder_replaces_only_its_own_builds(tmp_path):
    out = tmp_path / "out"
    rendering.prepare_folder(out, ".mine", "helpers.publishing.x", "assets")
    (out / "stale.html").write_text("old")
    rendering.prepare_folder(out, ".mine", "helpers.publishing.x", "assets")
    assert sorted(p.name for p in out.iterdir()) == [".mine", "assets"]
    assert "python -m helpers.publishing.x" in (out / ".mine").read_text()
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    with pytest.raises(ValueError, match=r"site_dir=.*not built by helpers.publishing.x"):
        rendering.prepare_folder(foreign, ".mine", "helpers.publishing.x", "assets", argument="site_dir")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        rendering.prepare_folder(tmp_path / "file", ".mine", "helpers.publishing.x", "assets")
    assert (foreign / "thesis.tex").read_text() == "precious"


def test_plotly_js_is_the_chosen_bundle_at_plotlys_version():
    from helpers.publishing import plotly_bundle

    path = rendering.plotly_js_path()
    assert path == plotly_bundle.choose_bundle()[0] and path.stat().st_size > 1024 * 1024
    assert plotly_bundle.bundle_version(path) == plotly_bundle.expected_version()


def test_used_template_keeps_only_the_drawn_trace_types_and_the_layout():
    template = {"data": {"bar": [{"marker": {"color": "red"}}], "scatter": [{"mode": "lines"}], "pie": [{}]},
                "layout": {"font": {"size": 13}}}
    trimmed = rendering.used_template(template, [{"type": "bar"}, {"y": [1, 2]}])  # no type: plotly draws scatter
    assert trimmed == {"data": {"bar": [{"marker": {"color": "red"}}], "scatter": [{"mode": "lines"}]},
                       "layout": {"font": {"size": 13}}}
    assert set(template["data"]) == {"bar", "scatter", "pie"}, "the figure's own template is not changed"


def test_plotly_spec_ships_the_template_of_the_drawn_traces_only():
    import plotly.graph_objects as go

    figure = go.Figure(go.Bar(x=["a"], y=[1])).to_plotly_json()
    assert len(figure["layout"]["template"]["data"]) > 20
    spec = rendering.plotly_spec(figure)
    assert set(spec["layout"]["template"]["data"]) == {"bar"}
    assert spec["layout"]["template"]["layout"] == figure["layout"]["template"]["layout"]
