"""The site's code highlighting in light and dark colours, every token readable: each Pygments colour is checked
against the code background and, where it falls short of WCAG AA (contrast 4.5:1), moved towards black (light) or
white (dark) until it passes. axe-core flags the low-contrast colours of Pygments' stock styles (``friendly``'s
comments are 2.6:1), so the stylesheet is made here rather than taken as it is.
"""

from __future__ import annotations

import re

#: Code-block backgrounds of ``site_assets/site.css`` (``--code-bg`` in light and dark mode).
LIGHT_CODE_BG = "#f6f8fa"
DARK_CODE_BG = "#161b22"
#: Pygments styles the colours start from.
LIGHT_STYLE = "xcode"
DARK_STYLE = "github-dark"
#: WCAG AA for normal text.
MIN_CONTRAST = 4.5

_HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def _rgb(colour: str) -> tuple[float, float, float]:
    match = _HEX.fullmatch(colour.strip())
    if not match:
        raise ValueError(f"colour={colour!r} is not a #rgb or #rrggbb hex colour")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))


def _luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two hex colours (1 to 21)."""
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def readable(colour: str, background: str, minimum: float = MIN_CONTRAST) -> str:
    """``colour`` (as ``#rrggbb``) if it reads on ``background``, else the nearest mix towards black or white (away
    from the background) that does."""
    rgb = _rgb(colour)
    target = 0.0 if _luminance(background) > 0.18 else 1.0
    for step in range(0, 101):
        t = step / 100
        mixed = "#" + "".join(f"{round((c + (target - c) * t) * 255):02x}" for c in rgb)
        if contrast_ratio(mixed, background) >= minimum:
            return mixed
    raise ValueError(f"no mix of {colour} reads on {background}")  # unreachable for minimum <= 4.5


def _style_rules(style: str, background: str, prefix: str) -> str:
    from pygments.formatters import HtmlFormatter

    rules = []
    for line in HtmlFormatter(style=style).get_style_defs(".highlight").splitlines():
        if not line.startswith(".highlight ."):  # the block's own background, line numbers: site.css's business
            continue
        line = re.sub(r"background-color:\s*#[0-9a-fA-F]+;?\s*", "", line)
        line = re.sub(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})",
                      lambda m: f"color: {readable(m.group(1), background)}", line)
        rules.append(prefix + line)
    return "\n".join(rules)


def pygments_css() -> str:
    """The stylesheet ``assets/pygments.css``: light token colours, then dark ones for ``[data-theme="dark"]``
    (set by ``site.js`` from the reader's choice or the system's preference) and, with JavaScript off, for a
    system in dark mode."""
    light = _style_rules(LIGHT_STYLE, LIGHT_CODE_BG, "")
    dark = _style_rules(DARK_STYLE, DARK_CODE_BG, '[data-theme="dark"] ')
    fallback = _style_rules(DARK_STYLE, DARK_CODE_BG, ":root:not([data-theme]) ")
    return (f"/* Code colours, each at least {MIN_CONTRAST}:1 on its background (helpers.publishing.site_theme) */\n"
            f"{light}\n{dark}\n@media (prefers-color-scheme: dark) {{\n{fallback}\n}}\n")
