"""CLI errors print the message as plain text: rich markup in it (brackets) is shown, not swallowed."""

from __future__ import annotations

import pytest
import typer

from sciatica_coach.cli.common import fail


def test_an_error_keeps_its_brackets(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as exited:
        fail("reading video needs OpenCV: pip install 'sciatica-coach[video]' ([bold]not bold[/])")
    assert exited.value.exit_code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "Error: reading video needs OpenCV: pip install 'sciatica-coach[video]' ([bold]not bold[/])" in err
