"""Which state of a figure with buttons a slide draws (:func:`slide_state`).

A lesson's "twin" (a plotly figure whose ``updatemenus`` buttons stand in for a JupyterLab widget) is saved in one
state; a slide has no clicking teacher, so it must draw the state that its text describes. The rule, in order:

1. **the state the slide's "What to see" text names**: a button whose label that text quotes (``"label"``,
   ``“label”`` or ```label```, exactly, any case). Lesson 02's Bayes twin is saved with "no evidence" and its
   text says: One "says arr" makes Bayes certain, so the slide shows the "says arr" button's state;
2. **the revealed state of a held-back figure**: a menu saved with ``active: -1`` is in a state none of its buttons
   gives, which is how a twin holds something back so that students predict first (lesson 04's toggle hides the
   runs with the note). The slide shows the button that reveals the most: the most distinct names among the traces
   it makes visible, a tie going to the later button (a toggle's "on"), so lesson 04 shows "permission to cheat: on";
3. **else the state as saved**, which is the state of the menu's ``active`` button (plotly's default, 0) and the
   one its printed text alternative, the slide's caption, describes.

The chosen button's arguments are applied to a copy of the figure (:func:`apply_button`, the same restyle and
relayout plotly.js would do on a click) and the menu's ``active`` is set to it, so the buttons still work and show
the right one pressed wherever the figure keeps them. A button that sets the title also gives the slide its caption
(:func:`title_caption`): the caption says the state drawn.
"""

from __future__ import annotations

import copy
import re

#: A quoted phrase in a slide's text: "...", “...” or `...`.
_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”|`([^`]+)`')


def _set(target: dict, path: str, value: object) -> None:
    """Set a dotted plotly attribute (``marker.color``, ``title.text``, ``xaxis.range[0]``) in ``target``;
    ``None`` removes it (plotly's reset to the default)."""
    keys = path.split(".")
    for key in keys[:-1]:
        m = re.fullmatch(r"(\w+)\[(\d+)\]", key)
        if m:
            target = target.setdefault(m.group(1), [])[int(m.group(2))]
            continue
        if not isinstance(target.get(key), dict):
            target[key] = {"text": target[key]} if key == "title" and isinstance(target.get(key), str) else {}
        target = target[key]
    m = re.fullmatch(r"(\w+)\[(\d+)\]", keys[-1])
    if m:
        target.setdefault(m.group(1), [None] * (int(m.group(2)) + 1))[int(m.group(2))] = value
    elif value is None:
        target.pop(keys[-1], None)
    else:
        target[keys[-1]] = copy.deepcopy(value)


def restyle(data: list[dict], changes: dict, traces: list[int] | int | None = None) -> None:
    """Plotly's ``restyle`` on ``data`` in place: a list value gives its i-th item to the i-th trace changed
    (cycling, as plotly.js does), any other value goes to every trace changed (all of them when ``traces`` is
    None)."""
    targets = list(range(len(data))) if traces is None else [traces] if isinstance(traces, int) else list(traces)
    for attr, value in changes.items():
        for i, index in enumerate(targets):
            _set(data[index], attr, value[i % len(value)] if isinstance(value, list) and value else value)


def relayout(layout: dict, changes: dict) -> None:
    """Plotly's ``relayout`` on ``layout`` in place."""
    for attr, value in changes.items():
        _set(layout, attr, value)


def apply_button(figure: dict, button: dict) -> dict:
    """A copy of ``figure`` (``data`` and ``layout``) as it is after a click on ``button``: ``update`` restyles and
    relayouts, ``restyle`` and ``relayout`` do one of them; other methods (``animate``, ``skip``) change nothing."""
    figure = copy.deepcopy(figure)
    data, layout = figure.setdefault("data", []), figure.setdefault("layout", {})
    method, args = button.get("method", "restyle"), list(button.get("args") or [])
    if method == "update":
        restyle(data, args[0] if args else {}, args[2] if len(args) > 2 else None)
        relayout(layout, args[1] if len(args) > 1 else {})
    elif method == "restyle" and args:
        restyle(data, args[0], args[1] if len(args) > 1 else None)
    elif method == "relayout" and args:
        relayout(layout, args[0])
    return figure


def _quoted(text: str) -> set[str]:
    return {next(g for g in m.groups() if g).strip().lower() for m in _QUOTED.finditer(text or "")}


def _names_shown(figure: dict) -> int:
    """How many distinct names the visible traces of ``figure`` carry (a button's reach)."""
    return len({t.get("name") for t in figure.get("data", []) if t.get("visible", True) is True and t.get("name")})


def chosen_button(figure: dict, text: str = "") -> tuple[int, int] | None:
    """(menu, button) whose state the slide draws, by the module's rule, or None for the state as saved."""
    menus = (figure.get("layout") or {}).get("updatemenus") or []
    quoted = _quoted(text)
    for m, menu in enumerate(menus):
        for b, button in enumerate(menu.get("buttons") or []):
            if str(button.get("label", "")).strip().lower() in quoted:
                return m, b
    for m, menu in enumerate(menus):
        buttons = menu.get("buttons") or []
        if menu.get("active") == -1 and buttons:
            reach = [_names_shown(apply_button(figure, button)) for button in buttons]
            return m, max(range(len(buttons)), key=lambda b: (reach[b], b))
    return None


def title_caption(title: object) -> str:
    """A figure title as a slide caption, brief (it shares the slide's words with the text): its first line, without
    markup and without asides in parentheses, as "Figure: ….\""""
    text = title.get("text", "") if isinstance(title, dict) else title if isinstance(title, str) else ""
    line = re.sub(r"<[^>]+>", "", re.split(r"<br\s*/?>", text or "")[0])
    line = " ".join(re.sub(r"\s*\([^()]*\)", "", line).split())
    return f"Figure: {line.rstrip('.')}." if line else ""


def slide_state(figure: dict, text: str = "") -> tuple[dict, str]:
    """The figure a slide draws (the state of :func:`chosen_button`, with that menu's ``active`` set to it) and the
    caption that state's title gives ("" when no button was applied or it leaves the title alone). ``figure`` is
    not changed."""
    chosen = chosen_button(figure, text)
    if chosen is None:
        return figure, ""
    m, b = chosen
    button = figure["layout"]["updatemenus"][m]["buttons"][b]
    shown = apply_button(figure, button)
    shown["layout"]["updatemenus"][m]["active"] = b
    changes = {}
    if button.get("method") == "update" and len(button.get("args") or []) > 1:
        changes = button["args"][1]
    elif button.get("method") == "relayout" and button.get("args"):
        changes = button["args"][0]
    sets_title = any(key == "title" or key.startswith("title.") for key in changes)
    return shown, title_caption(shown["layout"].get("title")) if sets_title else ""
