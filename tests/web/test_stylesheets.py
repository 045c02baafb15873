"""The design system is kept: every colour of the stylesheets is a custom property defined in a `:root` block (the
light scheme, and the dark scheme's overrides under `prefers-color-scheme: dark`), so a literal colour elsewhere
would miss the dark scheme; the spacing, type and radius scales exist and are used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sciatica_coach.web as web

CSS = Path(web.__file__).parent / "static" / "css"
SHEETS = ("app.css", "player.css", "demo.css")
HEX = re.compile(r"#[0-9a-fA-F]{3,8}\b")
FUNCTION_COLOUR = re.compile(r"\b(?:rgba?|hsla?)\(")
ROOT = re.compile(r":root\s*\{([^{}]*)\}")
DARK = re.compile(r"@media\s*\(prefers-color-scheme:\s*dark\)\s*\{\s*:root\s*\{([^{}]*)\}\s*\}")
COMMENT = re.compile(r"/\*.*?\*/", re.S)


def properties(block: str) -> dict[str, str]:
    """The custom properties declared in one block's body."""
    return {m[1]: m[2].strip() for m in re.finditer(r"(--[\w-]+)\s*:\s*([^;]+);", block)}


def sheet(name: str) -> str:
    return COMMENT.sub("", (CSS / name).read_text())


def test_the_root_blocks_define_the_scales_and_the_dark_scheme_overrides_every_colour() -> None:
    app = sheet("app.css")
    light = properties(ROOT.findall(app)[0])
    dark = DARK.search(app)
    assert dark is not None, "no dark scheme for :root in app.css"
    dark_props = properties(dark[1])
    for scale in ("--space-1", "--space-4", "--text-base", "--text-xl", "--radius", "--radius-pill", "--target"):
        assert scale in light, f"{scale} is missing from :root"
    colours = {name for name, value in light.items() if HEX.search(value) or FUNCTION_COLOUR.search(value)}
    assert {"--bg", "--ink", "--accent", "--bad", "--danger-bg", "--series-leg", "--nerve"} <= colours
    assert colours - set(dark_props) == set(), "colours the dark scheme leaves light"
    assert set(dark_props) <= set(light), "the dark scheme sets properties :root never defines"
    assert light["--bg"] != dark_props["--bg"] and light["--ink"] != dark_props["--ink"]


@pytest.mark.parametrize("name", SHEETS)
def test_no_literal_colour_outside_root_blocks(name: str) -> None:
    rest = DARK.sub("", ROOT.sub("", sheet(name)))
    found = HEX.findall(rest) + FUNCTION_COLOUR.findall(rest)
    assert not found, f"{name} has literal colours outside :root: {found}"


@pytest.mark.parametrize("name", SHEETS)
def test_every_custom_property_used_is_defined(name: str) -> None:
    defined = set(properties("".join(ROOT.findall(sheet("app.css")))))
    used = set(re.findall(r"var\((--[\w-]+)\)", sheet(name)))  # not one with a fallback (--dock-h, set by the player)
    defined |= set(re.findall(r"(--[\w-]+)\s*:", sheet(name)))
    assert used, f"{name} uses no custom property"
    assert used <= defined, f"{name} uses undefined properties: {sorted(used - defined)}"


def test_the_checker_finds_a_literal_colour() -> None:
    css = ":root { --a: #fff; }\n.x { color: #123456; background: rgb(0 0 0); }"
    rest = DARK.sub("", ROOT.sub("", css))
    assert HEX.findall(rest) == ["#123456"] and FUNCTION_COLOUR.findall(rest)
