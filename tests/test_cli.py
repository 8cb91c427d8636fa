"""The command line: every command teaches with --help and an example; user errors are one line, no traceback."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import cli

from conftest import run_policykg

COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name):
    cmd = cli.commands[name]
    assert cmd.help and len(cmd.help.strip()) > 40, f"{name} lacks help"
    assert "Example:" in cmd.help, f"{name}'s help has no Example: block"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_group_help_lists_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("build", "extract", "query", "viz", "export"):
        assert name in result.output


def test_missing_input_is_one_clear_line(tmp_path):
    r = run_policykg("extract", str(tmp_path / "nope.txt"))
    assert r.returncode != 0
    assert "nope.txt" in r.stderr and "Traceback" not in r.stderr


def test_query_on_missing_graph(tmp_path):
    r = run_policykg("query", str(tmp_path), "SELECT * WHERE { ?s ?p ?o }")
    assert r.returncode != 0 and "no graph" in r.stderr and "Traceback" not in r.stderr


def test_query_prints_a_table(seed_build):
    r = run_policykg("query", str(seed_build), "SELECT ?l WHERE { ?p a pk:Document ; rdfs:label ?l }")
    assert r.returncode == 0, r.stderr
    assert "华容奋力打造武鄂协同发展先行区" in r.stdout
