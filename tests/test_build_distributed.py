"""`--engine dask`: a build on a Dask cluster (here a LocalCluster with 2 workers) equals the single-machine build."""
from __future__ import annotations

import logging

import pytest

pytest.importorskip("distributed")

import graph.build.distributed
from graph.build.run import build

from test_build_parallel import same_outputs, write_corpus


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def local_build(reports, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "kg"
    build([reports], out, jobs=1, use_cache=False)
    return out


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded workers in this process: a scheduler address to connect to, as on a real cluster."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                      silence_logs=logging.ERROR) as c:
        yield c


def test_build_on_a_scheduler_equals_the_local_build(reports, local_build, cluster, tmp_path):
    """Documents are sent to the workers as bytes; the merged output is byte-identical."""
    out = tmp_path / "kg"
    summary = build([reports], out, engine="dask", scheduler=cluster.scheduler_address)
    assert summary["engine"] == "dask" and (summary["documents"], summary["extracted"]) == (4, 4)
    assert same_outputs(local_build, out) == []


def test_cached_rebuild_needs_no_cluster(reports, local_build, cluster, tmp_path):
    out = tmp_path / "kg"
    build([reports], out, engine="dask", scheduler=cluster.scheduler_address)
    (out / "graph.html").unlink()
    again = build([reports], out, engine="dask", scheduler="tcp://127.0.0.1:9")  # nothing to extract: no connection
    assert (again["extracted"], again["cached"]) == (0, 4)
    assert same_outputs(local_build, out) == []


def test_workers_with_another_extractor_are_refused(reports, cluster, tmp_path, monkeypatch):
    monkeypatch.setattr(graph.build.distributed, "worker_fingerprint", lambda: "another extractor")
    with pytest.raises(ValueError, match="different policykg"):
        build([reports], tmp_path / "kg", engine="dask", scheduler=cluster.scheduler_address, use_cache=False)
    assert not (tmp_path / "kg").exists()


def test_unreachable_scheduler_is_one_clear_error(reports, tmp_path, monkeypatch):
    monkeypatch.setattr(graph.build.distributed, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(ValueError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        build([reports], tmp_path / "kg", engine="dask", scheduler="tcp://127.0.0.1:9", use_cache=False)


def test_without_a_scheduler_a_local_cluster_runs_and_stops(reports, local_build, tmp_path):
    from distributed.client import _get_global_client

    summary = build([reports], tmp_path / "kg", engine="dask", jobs=2, use_cache=False)
    assert summary["documents"] == 4 and summary["jobs"] == 2
    assert same_outputs(local_build, tmp_path / "kg") == []
    assert _get_global_client() is None
