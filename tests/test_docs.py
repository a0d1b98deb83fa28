"""Documentation that is derived from code is generated and checked; public names are honest."""

from pathlib import Path

import lod
from lod.cli import main
from lod.settings import describe_settings
from tests.docgen import DOCS, cli_markdown, linked_art_markdown, settings_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_generated_docs_are_current() -> None:
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == cli_markdown(), "run `python -m tests.docgen`"
    assert (DOCS / "settings.md").read_text(encoding="utf-8") == settings_markdown(), "run `python -m tests.docgen`"
    assert (DOCS / "linked-art.md").read_text(encoding="utf-8") == linked_art_markdown(), "run `python -m tests.docgen`"


def test_every_command_and_setting_is_documented() -> None:
    cli = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name in main.commands:  # type: ignore[attr-defined]
        assert f"## `lod {name}`" in cli
    settings = (DOCS / "settings.md").read_text(encoding="utf-8")
    for name, _, _ in describe_settings():
        assert f"`LOD_{name.upper()}`" in settings


def test_readme_shows_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make serve" in readme and "make test" in readme


def test_public_names() -> None:
    assert sorted(lod.__all__) == lod.__all__
    for name in lod.__all__:
        assert getattr(lod, name) is not None
    exported = {n for n in dir(lod) if not n.startswith("_")} - set(lod.__all__)
    assert all(getattr(lod, n).__class__.__name__ == "module" for n in exported)
