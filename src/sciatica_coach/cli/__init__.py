"""Terminal adapter (Typer)."""
