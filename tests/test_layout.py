"""The package layout is a contract: each stage imports alone, from the stages below it only, and stays small."""
from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from conftest import ROOT

STAGES = ("output", "text", "extract", "rdf", "store", "views", "build")
MAX_LINES = 600
BELOW = {"output": (), "text": ("output",), "extract": ("text", "output"), "rdf": ("extract", "text", "output"),
         "store": ("rdf", "extract", "text", "output"), "views": ("rdf", "extract", "text", "output"),
         "build": ("views", "store", "rdf", "extract", "text", "output")}


def _modules(stage: str) -> list[str]:
    folder = ROOT / "graph" / stage
    return sorted(f"graph.{stage}." + ".".join(p.relative_to(folder).with_suffix("").parts).removesuffix(".__init__")
                  for p in folder.rglob("*.py"))


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_imports_alone_in_a_fresh_interpreter(stage):
    """An import cycle or an import of a stage above shows up as an ImportError here (python -c, nothing preloaded)."""
    mods = _modules(stage)
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n" \
           "above = sorted({n.split('.')[1] for n in sys.modules if n.startswith('graph.') and n.count('.') >= 1})\n" \
           "print(' '.join(above))"
    r = subprocess.run([sys.executable, "-c", code, *mods], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    loaded = set(r.stdout.split())
    below = set(BELOW[stage]) | {stage}
    assert loaded <= below, f"graph.{stage} loaded stages above it: {sorted(loaded - below)}"


def test_views_and_store_do_not_know_each_other():
    for a, b in (("views", "store"), ("store", "views")):
        r = subprocess.run([sys.executable, "-c", "import importlib, sys\nfor m in sys.argv[1:]:\n"
                            "    importlib.import_module(m)\nprint(any(n.startswith('graph.%s') for n in sys.modules))" % b,
                            *_modules(a)], capture_output=True, text=True, cwd=ROOT)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == "False", f"graph.{a} imports graph.{b}"


def test_no_module_over_600_lines_without_a_reason_in_its_docstring():
    """A long module says why in its docstring ('long because …'); the rest stay short enough to read at once."""
    long = []
    for f in [*sorted((ROOT / "graph").rglob("*.py")), ROOT / "cli.py"]:
        text = f.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(text)) or ""
        if text.count("\n") > MAX_LINES and "long because" not in doc.lower():
            long.append(f"{f.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert not long, long


def test_the_old_flat_modules_are_gone():
    """Every module lives in its stage's package; only the notebook handle sits at the package root."""
    flat = sorted(p.name for p in (ROOT / "graph").glob("*.py"))
    assert flat == ["__init__.py", "kg.py"]
