"""Shared fixtures: the seed document, a small hand-made document graph, and one build of the seed."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "huarong-2023-12-26.txt"
SHARED = ROOT.parent / "shared"


def run_policykg(*args: str, input: str | None = None, cwd: Path | None = None, timeout: int = 300):
    """Run the real command line in a subprocess, as a user would."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, input=input,
                          cwd=cwd or ROOT, env=env, timeout=timeout)


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> Path:
    """The seed built once with `policykg build` into a temporary directory."""
    out = tmp_path_factory.mktemp("seed") / "kg"
    r = run_policykg("build", str(SEED), "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="session")
def dev_build(tmp_path_factory) -> Path:
    """The dev texts (../shared/eval/dev, other provinces' reports) built once with `policykg build`."""
    texts = sorted((SHARED / "eval" / "dev").glob("*.txt"))
    if not texts:
        pytest.skip("no dev texts in ../shared/eval/dev")
    out = tmp_path_factory.mktemp("dev") / "kg"
    r = run_policykg("build", *map(str, texts), "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="session")
def seed_dataset(seed_build):
    from graph.rdf.files import load_dataset

    return load_dataset(seed_build)


@pytest.fixture()
def small_doc_graph():
    """A hand-made two-entity document graph, independent of the extractor."""
    from graph.extract.model import DocumentGraph, Entity, Mention, Relation
    from graph.text.segment import document_from_text

    text = "示例县政府工作报告\n日期:2024-01-05\n2023年,青石镇建成滨河大道。\n2024年,将推进滨河大道二期。\n"
    doc = document_from_text(text, "sample-2024.txt")
    i = text.index("青石镇")
    j = text.index("滨河大道")
    s = doc.sentence_at(i)
    town = Entity(key="place/000000001", label="青石镇", cls="Town", aliases=["青石"], confidence=0.9,
                  code="000000001", docs=[doc.name],
                  mentions=[Mention("青石镇", i, i + 3, "Town", "suffix:镇", 0.9, sentence=s.index)])
    road = Entity(key="project/binhedadao-abc123", label="滨河大道", cls="InfrastructureProject", confidence=0.8,
                  docs=[doc.name], mentions=[Mention("滨河大道", j, j + 4, "InfrastructureProject", "suffix:大道",
                                                     0.8, sentence=s.index)])
    rel = Relation(road.key, "locatedIn", town.key, doc.name, s.index, s.text, s.start, s.end, "test:在X建成Y", 0.7,
                   "completed", 2023)
    return DocumentGraph(doc, [town, road], [rel])


def wait_for_port(host: str, port: int, proc: subprocess.Popen, seconds: float = 30) -> None:
    """Until the server accepts connections (or died)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {host}:{port}")


def stop(proc: subprocess.Popen) -> None:
    """Ask the server we started to stop; kill it only if it will not."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    """A real `oxigraph serve` (PyPI package oxigraph) on 127.0.0.1, as it comes (no union default graph)."""
    exe = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if exe is None:
        pytest.skip("the oxigraph server (pip install oxigraph) is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path_factory.mktemp("oxserver")),
                             "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for_port("127.0.0.1", port, proc)
    yield f"http://127.0.0.1:{port}"
    stop(proc)
