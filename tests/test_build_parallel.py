"""Parallel builds: any number of jobs gives the byte-identical graph, in document order, with bad files reported."""
from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.build.engines import get_engine
from graph.build.parallel import DocumentFailure, WorkItem, run_local
from graph.build.run import BUILD_FILES, build

from conftest import ROOT, SEED, run_policykg
from test_extract_pipeline import HUARONG, LIANGZIHU

GEDIAN = ("鄂州市葛店经济技术开发区管委会工作报告\n日期:2024-01-10\n"
          "2024年，葛店经开区将推进光谷科技创新大走廊建设，与华容区共建产业园。\n")
COMPARED = [f for f in BUILD_FILES if f != "summary.json"]  # the summary records timings


def write_corpus(root: Path) -> Path:
    """Four small reports in a folder (the seed among them), for builds that use a pool."""
    d = root / "reports"
    d.mkdir(parents=True)
    shutil.copy(SEED, d / SEED.name)
    for name, text in (("huarong-2024.txt", HUARONG), ("liangzihu-2024.txt", LIANGZIHU), ("gedian-2024.txt", GEDIAN)):
        (d / name).write_text(text, encoding="utf-8")
    return d


def same_outputs(a: Path, b: Path) -> list[str]:
    """The output files whose bytes differ between two builds."""
    return [f for f in COMPARED if (a / f).read_bytes() != (b / f).read_bytes()]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """The four reports plus two files that cannot be read."""
    d = write_corpus(tmp_path_factory.mktemp("corpus"))
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    return d


@pytest.fixture(scope="module")
def one_job(reports, tmp_path_factory):
    out = tmp_path_factory.mktemp("j1") / "kg"
    return out, build([reports], out, jobs=1, use_cache=False)


@pytest.fixture(scope="module")
def two_jobs(reports, tmp_path_factory):
    out = tmp_path_factory.mktemp("j2") / "kg"
    events = []
    summary = build([reports], out, jobs=2, use_cache=False, progress=events.append)
    return out, summary, events


def test_one_and_two_jobs_write_identical_bytes(one_job, two_jobs):
    assert one_job[1]["jobs"] == 1 and two_jobs[1]["jobs"] == 2
    assert same_outputs(one_job[0], two_jobs[0]) == []
    assert one_job[1]["triples"] == two_jobs[1]["triples"] and one_job[1]["documents"] == 4


def test_progress_reports_each_document_in_order(two_jobs, reports):
    events = two_jobs[2]
    assert [e.path.name for e in events] == sorted(p.name for p in reports.iterdir())
    good = [e for e in events if e.error is None]
    assert len(good) == 4 and all(e.chars > 0 and not e.cached for e in good)
    assert sum(e.chars for e in events) == two_jobs[1]["characters"]
    assert {e.path.name for e in events if e.error} == {"empty.txt", "binary.txt"}


def test_bad_documents_become_warnings_and_the_rest_is_built(one_job, two_jobs):
    for _, summary, *_ in (one_job, two_jobs):
        assert summary["documents"] == 4
        assert [w.split(":")[0].rsplit("/", 1)[-1] for w in summary["warnings"]] == ["binary.txt", "empty.txt"]


def test_worker_failure_is_a_document_failure(tmp_path):
    outcome = run_local([WorkItem(str(tmp_path / "missing.txt"))], jobs=1, max_bytes=10**7)
    [failure] = list(outcome)
    assert isinstance(failure, DocumentFailure) and "missing.txt" in failure.message


def test_unknown_engine_names_the_known_ones():
    with pytest.raises(ValueError, match="local, dask"):
        get_engine("spark")


def test_cli_build_with_jobs_prints_summary_and_speed(reports, tmp_path):
    r = run_policykg("build", str(reports), "--out", str(tmp_path / "kg"), "--jobs", "1")
    assert r.returncode == 0, r.stderr
    assert "documents" in r.stdout and "4 documents (4 extracted, 0 from cache)" in r.stdout
    assert "warning: " not in r.stdout  # warnings go to stderr, quiet or not: stdout is the summary
    assert any(ln.startswith("warning: ") and "empty.txt" in ln for ln in r.stderr.splitlines()), r.stderr
    assert "chars/s" in r.stdout
    assert (tmp_path / "kg" / "graph.trig").stat().st_size > 0


@pytest.mark.parametrize("args, message", [
    (["--jobs", "0"], "--jobs"),
    (["--scheduler", "tcp://127.0.0.1:8786"], "--engine dask"),
])
def test_cli_build_option_errors_are_one_line(reports, tmp_path, args, message):
    r = run_policykg("build", str(reports), "--out", str(tmp_path / "kg"), *args)
    assert r.returncode != 0 and message in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "kg").exists()


# ---------------------------------------------------------------- time budgets, killed builds

def slow_text(size: int) -> bytes:
    """One line of nothing but entity names (invented): minutes of extraction for a few megabytes."""
    unit = "青石镇建成滨河大道"
    return (unit * (size // len(unit.encode("utf-8")) + 1)).encode("utf-8")[:size // 3 * 3]


def test_pathological_pages_are_read_in_linear_time(tmp_path):
    """20,000 nested <div> took over 100 s, and a 60 KB line of entity names hours (a rule read every mention of an
    entity again for each sentence naming it; 25 KB took 485 s); both are now read well within a 60 s budget (which
    would skip them otherwise)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = "青石镇建成滨河大道，新建学校两所，改造老旧小区十二个。" * 3
    (corpus / "nested.html").write_text("<html><body>" + "<div>" * 20000 + body + "</div>" * 20000 +
                                        "</body></html>", encoding="utf-8")
    (corpus / "one-line.txt").write_bytes(slow_text(60_000))
    out = tmp_path / "kg"
    r = run_policykg("build", str(corpus), "--out", str(out), "-q", "--jobs", "1", "--doc-timeout", "60")
    assert r.returncode == 0 and "warning" not in r.stderr, r.stderr
    records = {rec["doc"]: rec for rec in json.loads((out / "extract.json").read_text(encoding="utf-8"))}
    assert sorted(records) == ["nested.html", "one-line.txt"]
    assert any(e["label"] == "滨河大道" for e in records["nested.html"]["entities"])


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_document_past_its_budget_is_skipped_and_the_rest_built(tmp_path, jobs):
    """jobs 2: both workers are stuck on the two slow documents, which come first, so only the workers that replace
    them once they are killed can extract the rest; jobs 1: a timer ends each slow document in the build's own
    process."""
    corpus = write_corpus(tmp_path)
    slow = ["a-slow.txt", "b-slow.txt"]
    for name in slow:
        (corpus / name).write_bytes(slow_text(4 * 2**20))
    out = tmp_path / "kg"
    started = time.monotonic()
    r = run_policykg("build", str(corpus), "--out", str(out), "-q", "--jobs", jobs, "--doc-timeout", "3")
    assert r.returncode == 0, r.stderr
    assert time.monotonic() - started < 120  # a slow document alone takes minutes
    assert r.stderr.splitlines() == [f"warning: {corpus / name}: skipped: not read and extracted within its time "
                                     "budget of 3 s (raise it with --doc-timeout)" for name in slow]
    docs = [rec["doc"] for rec in json.loads((out / "extract.json").read_text(encoding="utf-8"))]
    assert sorted(docs) == sorted(p.name for p in corpus.iterdir() if p.name not in slow)


def test_workers_die_with_a_killed_build_and_free_its_stdout(tmp_path):
    """kill -9 of the build's process: its workers (and multiprocessing's helpers) must not live on, busy, holding
    the caller's stdout open (a `policykg build … | tee log` would never end)."""
    psutil = pytest.importorskip("psutil")
    corpus = write_corpus(tmp_path)
    for name in ("a-slow.txt", "b-slow.txt"):
        (corpus / name).write_bytes(slow_text(4 * 2**20))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "cli", "build", str(corpus), "--out", str(tmp_path / "kg"),
                             "--jobs", "2", "-q", "--no-cache"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        children = []
        while time.monotonic() < deadline:  # until two workers are busy on the slow documents
            children = psutil.Process(proc.pid).children(recursive=True)
            busy = [c for c in children if _cpu(c) > 3]
            if len(busy) >= 2:
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"the workers never got busy: {children}")
        proc.kill()
        proc.wait()
        ready, _, _ = select.select([proc.stdout], [], [], 20)
        assert ready and proc.stdout.read() == b"", "the caller's stdout is still held open"
        _, alive = psutil.wait_procs(children, timeout=20)
        assert alive == [], [" ".join(p.cmdline())[:120] for p in alive]
    finally:
        for p in psutil.Process().children(recursive=True):
            if p.pid == proc.pid or p in children:
                p.kill()


def _cpu(process) -> float:
    try:
        return process.cpu_times().user
    except Exception:  # ended meanwhile
        return 0.0
