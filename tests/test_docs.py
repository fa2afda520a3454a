"""README stays true: every command and every setting is documented; the API is explicit."""

from __future__ import annotations

import dataclasses

import kg
from kg.cli import cli
from kg.config import Settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def test_every_command_in_readme() -> None:
    for name in cli.commands:  # type: ignore[attr-defined]
        assert f"kg {name}" in README, f"`kg {name}` is not in README.md"


def test_every_setting_in_readme_table() -> None:
    for f in dataclasses.fields(Settings):
        assert f"`{f.metadata['env']}`" in README, f"{f.metadata['env']} missing from README"
        assert f.metadata["help"], f"{f.name} has no help text"


def test_quick_start_commands() -> None:
    assert "make demo" in README and "make test" in README


def test_public_api_sorted_and_complete() -> None:
    assert kg.__all__ == sorted(kg.__all__)
    for name in kg.__all__:
        assert hasattr(kg, name)


def test_settings_from_env() -> None:
    settings = Settings.from_env(
        {"KG_STORE": "/tmp/x", "KG_UNION_DEFAULT_GRAPH": "false", "KG_QUERY_TIMEOUT_S": "2.5"}
    )
    assert str(settings.store) == "/tmp/x"
    assert settings.union_default_graph is False
    assert settings.query_timeout_s == 2.5


def _readme_query_examples() -> list[tuple[str, str]]:
    """(query name, printed table) for each "`kg query NAME`:" block of README.md."""
    import re

    pattern = re.compile(r"`kg query ([a-z0-9-]+)`:\n\n```\n(.*?)\n```", re.DOTALL)
    return pattern.findall(README)


def test_readme_query_outputs_are_real(demo_store_path: object) -> None:
    from click.testing import CliRunner

    examples = _readme_query_examples()
    assert len(examples) >= 3
    for name, printed in examples:
        result = CliRunner().invoke(cli, ["query", name, "--store", str(demo_store_path)])
        assert result.exit_code == 0, result.output
        actual = [line.rstrip() for line in result.output.strip().splitlines()]
        assert actual == printed.splitlines(), f"README's output of `kg query {name}` is stale"
