"""Incremental builds: only new or changed documents are extracted again, and the result equals a clean build."""
from __future__ import annotations

import os
import pickle

import pytest

import graph.build.run
from graph.build.cache import CACHE_DIR, PartCache, document_key, extractor_fingerprint, read_manifest
from graph.build.run import BuildError, build

from test_build_parallel import GEDIAN, same_outputs, write_corpus


@pytest.fixture()
def reports(tmp_path):
    return write_corpus(tmp_path)


def _stamps(out):
    return {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()}


def test_rebuild_after_a_change_extracts_only_it_and_equals_a_clean_build(reports, tmp_path):
    out = tmp_path / "kg"
    first = build([reports], out, jobs=1)
    assert (first["extracted"], first["cached"]) == (4, 0)
    (reports / "gedian-2024.txt").write_text(GEDIAN.replace("光谷科技创新大走廊", "鄂州花湖机场"), encoding="utf-8")
    (reports / "new-2024.txt").write_text(GEDIAN.replace("葛店", "燕矶"), encoding="utf-8")
    second = build([reports], out, jobs=1)
    assert (second["extracted"], second["cached"], second["documents"]) == (2, 3, 5)
    clean = build([reports], tmp_path / "clean", jobs=1, use_cache=False)
    assert same_outputs(out, tmp_path / "clean") == []
    assert second["triples"] == clean["triples"]
    assert "花湖机场" in (out / "graph.ttl").read_text(encoding="utf-8")


def test_removed_documents_leave_the_graph_and_the_cache(reports, tmp_path):
    out = tmp_path / "kg"
    build([reports], out, jobs=1)
    (reports / "gedian-2024.txt").unlink()
    summary = build([reports], out, jobs=1)
    assert (summary["documents"], summary["extracted"]) == (3, 0)
    assert len(list((out / CACHE_DIR).glob("*.pickle"))) == 3
    assert "gedian-2024" not in (out / "graph.trig").read_text(encoding="utf-8")


def test_no_change_rebuild_does_nothing(reports, tmp_path):
    out = tmp_path / "kg"
    build([reports], out, jobs=1)
    before = _stamps(out)
    events = []
    again = build([reports], out, jobs=1, progress=events.append)
    assert again["up_to_date"] is True and again["documents"] == 4
    assert _stamps(out) == before
    assert len(events) == 4 and all(e.cached for e in events)


def test_deleted_output_file_forces_a_rebuild_from_the_cache(reports, tmp_path):
    out = tmp_path / "kg"
    build([reports], out, jobs=1)
    (out / "graph.html").unlink()
    again = build([reports], out, jobs=1)
    assert "up_to_date" not in again and (again["extracted"], again["cached"]) == (0, 4)
    assert (out / "graph.html").is_file()


def test_a_changed_extractor_invalidates_the_cache(reports, tmp_path, monkeypatch):
    out = tmp_path / "kg"
    build([reports], out, jobs=1)
    monkeypatch.setattr(graph.build.run, "extractor_fingerprint", lambda: "another extractor")
    again = build([reports], out, jobs=1)
    assert (again["extracted"], again["cached"]) == (4, 0)
    assert read_manifest(out).fingerprint == "another extractor"


def test_damaged_cache_entry_is_extracted_again(reports, tmp_path):
    out = tmp_path / "kg"
    build([reports], out, jobs=1)
    victim = next((out / CACHE_DIR).glob("*.pickle"))
    victim.write_bytes(b"not a pickle")
    (out / "graph.html").unlink()  # so the build is not skipped as up to date
    again = build([reports], out, jobs=1)
    assert (again["extracted"], again["cached"]) == (1, 3)
    clean = build([reports], tmp_path / "clean", jobs=1, use_cache=False)
    assert same_outputs(out, tmp_path / "clean") == []
    assert clean["documents"] == 4


def test_no_cache_keeps_no_cache(reports, tmp_path):
    out = tmp_path / "kg"
    build([reports], out, jobs=1, use_cache=False)
    assert not (out / CACHE_DIR).exists()
    assert (build([reports], out, jobs=1, use_cache=False)["extracted"]) == 4


def test_failed_build_keeps_the_old_output_and_its_cache(reports, tmp_path):
    out = tmp_path / "kg"
    build([reports], out, jobs=1)
    before = sorted(p.name for p in (out / CACHE_DIR).iterdir())
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blank.txt").write_text("", encoding="utf-8")
    with pytest.raises(BuildError, match="no readable documents"):
        build([empty], out, jobs=1)
    assert sorted(p.name for p in (out / CACHE_DIR).iterdir()) == before


def test_keys_depend_on_bytes_name_and_extractor(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("华容区", encoding="utf-8")
    b.write_text("华容区", encoding="utf-8")
    fp = extractor_fingerprint()
    assert document_key(a, fp, 100) != document_key(b, fp, 100)  # the name is in the document's IRI
    assert document_key(a, fp, 100) != document_key(a, "other", 100)
    before = document_key(a, fp, 100)
    a.write_text("华容区。", encoding="utf-8")
    assert document_key(a, fp, 100) != before
    assert document_key(a, fp, 3) is None  # over the size limit: the build reports it, nothing to cache
    assert document_key(tmp_path / "missing.txt", fp, 100) is None


def test_cache_links_reused_parts_into_the_new_output(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    cache = PartCache(None, old)
    from graph.extract.pipeline import extract_texts
    from graph.rdf.partition import part_from_graph

    part = part_from_graph(extract_texts({"a.txt": GEDIAN}).documents[0], key="k1")
    cache.store(part)
    reused = PartCache(old, new).load("k1")
    assert reused.owned == part.owned and (new / "k1.pickle").is_file()
    assert os.stat(new / "k1.pickle").st_ino == os.stat(old / "k1.pickle").st_ino
    assert pickle.loads((new / "k1.pickle").read_bytes()).key == "k1"
    assert PartCache(old, None).load("missing") is None
