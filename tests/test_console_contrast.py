"""Accessibility basics for the console (issue 14, item 4): colour contrast by WCAG 2.1's formula,
computed from the stylesheet itself, so a colour change that makes text hard to read fails here.
Text needs 4.5:1; the focus ring and the charts' colours (graphics) need 3:1 against white."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[1] / "bot" / "web" / "console" / "static"
CSS = (STATIC / "console.css").read_text(encoding="utf-8")
NAMED = {"#fff": "#ffffff", "white": "#ffffff"}


def _hex(value: str, variables: dict[str, str]) -> str:
    value = value.strip()
    match = re.fullmatch(r"var\((--[\w-]+)\)", value)
    if match:
        value = variables[match.group(1)]
    value = NAMED.get(value, value)
    if re.fullmatch(r"#[0-9a-fA-F]{3}", value):
        value = "#" + "".join(c * 2 for c in value[1:])
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", value), value
    return value.lower()


def luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rules() -> list[tuple[str, dict[str, str]]]:
    body = re.sub(r"/\*.*?\*/", "", CSS, flags=re.S)
    body = re.sub(r"@media[^{]*\{((?:[^{}]*\{[^}]*\})*)\s*\}", r"\1", body)
    out = []
    for selector, block in re.findall(r"([^{}]+)\{([^}]*)\}", body):
        props = dict((k.strip(), v.strip()) for k, v in (d.split(":", 1) for d in block.split(";") if ":" in d))
        out.append((selector.strip(), props))
    return out


VARIABLES = {k: v for sel, props in rules() if sel == ":root" for k, v in props.items()}


def test_the_formula_matches_known_values():
    assert ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_every_rule_that_sets_both_colours_is_readable():
    checked = 0
    for selector, props in rules():
        background = props.get("background") or props.get("background-color")
        if "color" in props and background and background.split()[0].startswith(("#", "var(")):
            fg, bg = _hex(props["color"], VARIABLES), _hex(background.split()[0], VARIABLES)
            assert ratio(fg, bg) >= 4.5, (selector, fg, bg, round(ratio(fg, bg), 2))
            checked += 1
    assert checked >= 8


@pytest.mark.parametrize("fg, bg", [
    ("--ink", "--bg"), ("--muted", "--bg"), ("--ink", "--soft"), ("--muted", "--soft"),
    ("--brand", "--bg"), ("--brand", "--soft"),  # links, 紧急 counts, secondary buttons
    ("--ink", "#e8f5e9"), ("--ink", "#fdecea"), ("--ink", "#fff4d6"),  # notices, errors, tiles' borders
])
def test_inherited_text_colours_are_readable(fg, bg):
    a = _hex(VARIABLES.get(fg, fg), VARIABLES)
    b = _hex(VARIABLES.get(bg, bg), VARIABLES)
    assert ratio(a, b) >= 4.5, (fg, bg, round(ratio(a, b), 2))


def test_focus_ring_and_chart_colours_stand_out_from_white():
    focus = re.search(r":focus-visible\s*\{[^}]*outline:\s*\d+px solid (#[0-9a-fA-F]{6})", CSS).group(1)
    assert ratio(focus, "#ffffff") >= 3
    palette = re.findall(r"#[0-9a-fA-F]{6}", re.search(r"palette = \[([^\]]+)\]",
                                                        (STATIC / "charts.js").read_text()).group(1))
    assert len(palette) >= 6
    for colour in palette:
        assert ratio(colour, "#ffffff") >= 3, colour
