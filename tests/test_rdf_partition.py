"""Streaming a corpus part by part writes the same graph, network and provenance as the in-memory path, and every
file pyoxigraph's serializer writes parses back, hostile strings included, in rdflib and in pyoxigraph."""
from __future__ import annotations

import dataclasses
import json

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Literal

from graph.build.run import BuildWriter, network_from_parts, write_build
from graph.extract.pipeline import document_record, extract_texts
from graph.extract.resolve import merge_entities
from graph.rdf.dataset import to_dataset, union_graph
from graph.rdf.files import load_dataset
from graph.rdf.partition import describe_entities, describe_entity, part_from_graph, rdf_header
from graph.views.network import to_networkx
from graph.views.provenance import read_provenance

from conftest import SEED
from test_extract_pipeline import HUARONG, LIANGZIHU


@pytest.fixture(scope="module")
def corpus():
    return extract_texts({"huarong-2023-12-26.txt": SEED.read_text(encoding="utf-8"),
                          "huarong-2024.txt": HUARONG, "liangzihu-2024.txt": LIANGZIHU})


@pytest.fixture(scope="module")
def reference(corpus):
    """The in-memory Dataset every streamed output must equal."""
    return to_dataset(corpus.documents, corpus.entities)


@pytest.fixture(scope="module")
def streamed(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("stream") / "kg"
    summary = write_build(corpus, out)
    return out, summary


@pytest.fixture(scope="module")
def writer(corpus, tmp_path_factory):
    """A writer fed the corpus's parts and finished, to look at its network and provenance."""
    w = BuildWriter(tmp_path_factory.mktemp("writer"))
    for dg in corpus.documents:
        w.add(part_from_graph(dg))
    w.finish()
    return w


def _nquads(ds: Dataset) -> list[str]:
    return sorted(set(ds.serialize(format="nquads").splitlines()))


def test_trig_has_the_same_quads_as_the_dataset(streamed, reference):
    out, _ = streamed
    assert _nquads(load_dataset(out / "graph.trig")) == _nquads(reference)


def test_turtle_is_the_union_graph(streamed, reference):
    out, summary = streamed
    g = Dataset()
    g.parse(out / "graph.ttl", format="turtle")
    union = union_graph(reference)
    assert set(g.triples((None, None, None))) == set(union)
    assert summary["triples"] == len(union)


def test_extract_json_is_every_document_record(streamed, corpus):
    out, _ = streamed
    records = json.loads((out / "extract.json").read_text(encoding="utf-8"))
    assert records == json.loads(json.dumps([document_record(dg) for dg in corpus.documents], ensure_ascii=False))


def test_network_equals_the_projection_of_the_rdf(writer, corpus, reference):
    merged = merge_entities([dg.entities for dg in corpus.documents])
    descriptions = {e.key: describe_entity(e) for e in merged}
    G = network_from_parts(descriptions, writer._edges)
    H = to_networkx(union_graph(reference))
    assert list(G.nodes(data=True)) == list(H.nodes(data=True))
    assert sorted(G.edges(keys=True)) == sorted(H.edges(keys=True))
    for s, o, k, d in G.edges(keys=True, data=True):
        h = H.edges[s, o, k]
        assert (d["count"], sorted(d["evidence"])) == (h["count"], sorted(h["evidence"]))
        # the RDF projection takes the first status it happens to iterate; ours is the first in document order
        statuses = {e for e in [d["status"], h["status"]] if e}
        assert len(statuses) <= 1 or d["status"] in statuses


def test_provenance_equals_what_the_viewer_reads_from_rdf(writer, reference):
    expected = read_provenance(union_graph(reference))
    got = writer.provenance
    assert got.documents == expected.documents
    assert dict(got.facts) == dict(expected.facts)
    # two entities may share a span, hence one mention IRI with two statuses: compare where each sentence is cited
    assert ({k: sorted({(e.sentence, e.document) for e in v}) for k, v in got.mentions.items()}
            == {k: sorted({(e.sentence, e.document) for e in v}) for k, v in expected.mentions.items()})
    assert dict(got.indicators) == {k: sorted(v) for k, v in expected.indicators.items()}


def test_summary_counts_the_network(streamed):
    out, summary = streamed
    assert summary["documents"] == 3 and summary["nodes"] > 0 and summary["edges"] > 0
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["triples"] == summary["triples"]


def test_same_file_name_twice_is_a_warning(tmp_path):
    c = extract_texts({"report.txt": HUARONG})
    c.documents.append(c.documents[0])
    summary = write_build(c, tmp_path / "kg")
    assert any("share one named graph" in w for w in summary["warnings"])


HOSTILE = [
    '他说"好"', "back\\slash \\n not a newline", "line\nbreak\r\n", "tab\there", "\u2028 and \u2029",
    "</script><img src=x onerror=alert(1)>", "nul\x00 bell\x07 esc\x1b del\x7f", "astral 𠮷 😀 𝄞",
    "\"\"\" triple quotes \"\"\" and \'\'\'", "trailing backslash \\", "@prefix x: <y> . } {", "]]> <!-- -->",
]


def _hostile_graph():
    """A document graph whose every string slot (title, file, labels, aliases, surface texts, sentences, rules,
    units) holds strings that break hand-written Turtle, N-Triples or HTML."""
    from graph.extract.model import DocumentGraph, Entity, Mention, Relation
    from graph.text.segment import document_from_text

    text = "示例县政府工作报告\n2023年,青石镇建成滨河大道。\n2024年,将推进滨河大道二期。\n"
    doc = document_from_text(text, 'evil "name" \\ 𠮷.txt')
    doc.title, doc.source, doc.authors = HOSTILE[0], HOSTILE[4], HOSTILE[5:7]
    doc.sentences = [dataclasses.replace(s, text=HOSTILE[i % len(HOSTILE)] + s.text) for i, s in enumerate(doc.sentences)]
    s = doc.sentences[1]
    mentions = [Mention(HOSTILE[k], s.start + k % 3, s.start + k % 3 + 2, "Town", f"rule:{HOSTILE[k]}", 0.9,
                        sentence=s.index) for k in range(len(HOSTILE))]
    town = Entity("place/000000001", HOSTILE[3], "Town", aliases=HOSTILE[:], mentions=mentions[:6], confidence=0.9,
                  docs=[doc.name])
    road = Entity("project/evil-abc123", HOSTILE[7], "InfrastructureProject", aliases=[HOSTILE[8]],
                  mentions=mentions[6:], confidence=0.8, docs=[doc.name],
                  attrs={"unit": HOSTILE[9], "metric": HOSTILE[10]})
    rels = [Relation(road.key, "locatedIn", town.key, doc.name, s.index, s.text, s.start, s.end, HOSTILE[11], 0.7,
                     "completed", 2023),
            Relation(road.key, "relatedTo", town.key, doc.name, s.index, s.text, s.start, s.end, "cooccurrence", 0.3)]
    return DocumentGraph(doc, [town, road], rels)


def _literals_rdflib(path, fmt) -> set[str]:
    g = Dataset()
    g.parse(path, format=fmt)
    return {str(o) for _, _, o, _ in g.quads((None, None, None, None)) if isinstance(o, Literal)}


def _literals_oxigraph(path) -> set[str]:
    return {q.object.value for q in ox.parse(path=path) if isinstance(q.object, ox.Literal)}


def test_hostile_strings_survive_every_written_file_in_two_parsers(tmp_path):
    from graph.extract.pipeline import Corpus

    dg = _hostile_graph()
    write_build(Corpus([dg]), tmp_path / "kg")
    # every hostile string, as a label, surface text, rule, title …, and the cited sentence that starts with one
    expected = set(HOSTILE) | {"rule:" + h for h in HOSTILE} | {dg.document.sentences[1].text}
    for name, fmt in (("graph.trig", "trig"), ("graph.ttl", "turtle")):
        path = tmp_path / "kg" / name
        found_rdflib, found_oxigraph = _literals_rdflib(path, fmt), _literals_oxigraph(path)
        assert found_rdflib == found_oxigraph, name
        assert expected <= found_rdflib, name
    # both files hold the same triples, and the same as the in-memory Dataset of the same graph
    ttl = {(q.subject, q.predicate, q.object) for q in ox.parse(path=tmp_path / "kg" / "graph.ttl")}
    trig = {(q.subject, q.predicate, q.object) for q in ox.parse(path=tmp_path / "kg" / "graph.trig")}
    assert ttl == trig and len(ttl) > 50


def test_parts_are_written_by_the_serializer_after_one_prefix_header(corpus):
    header = rdf_header()
    assert header.startswith(b"@prefix ") and b"nif:" in header and b"itsrdf:" in header
    part = part_from_graph(corpus.documents[0])
    assert not part.trig.startswith(b"@prefix") and part.trig.endswith(b"}\n")
    assert part.graph_opening.endswith(b"{\n")
    for body, fmt in ((part.trig, ox.RdfFormat.TRIG), (part.owned, ox.RdfFormat.TURTLE)):
        parsed = list(ox.parse(header + body, format=fmt))
        assert len({(q.subject, q.predicate, q.object) for q in parsed}) >= part.owned_triples


def test_entity_descriptions_are_cut_into_one_block_per_entity(corpus):
    merged = merge_entities([dg.entities for dg in corpus.documents])[:40]
    described = describe_entities(merged)
    for e in merged:
        alone = describe_entity(e)
        assert described[e.key].turtle == alone.turtle and alone.triples > 0
        triples = list(ox.parse(rdf_header() + alone.turtle, format=ox.RdfFormat.TURTLE))
        assert {q.subject.value for q in triples} == {"https://w3id.org/policykg/id/" + e.key}
        assert len(triples) == alone.triples


def _entities_and_facts(build):
    """From a build's graph.ttl (pyoxigraph): the names (zh labels and aliases) of each entity, the entities that
    have a mention, the typed relations and the co-occurrences asserted between entities."""
    from ontology import ID, PK

    names, mentioned, facts = {}, set(), set()
    label, alias = "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#altLabel"
    for q in ox.parse(path=build / "graph.ttl"):
        s, p, o = q.subject.value, q.predicate.value, q.object
        if p in (label, alias) and s.startswith(str(ID)) and getattr(o, "language", None) == "zh":
            names.setdefault(s, set()).add(o.value)
        elif p == str(PK.mentionOf):
            mentioned.add(o.value)
        elif isinstance(o, ox.NamedNode) and s.startswith(str(ID)) and o.value.startswith(str(ID)) \
                and p.startswith(str(PK)) and p != str(PK.measures):
            facts.add((s, p[len(str(PK)):], o.value))
    return names, mentioned, facts


@pytest.mark.parametrize("build", ["seed_build", "dev_build"])
def test_the_graph_keeps_every_entity_and_fact_of_extract_json(build, request):
    """The vocabulary changed (sentence nodes, co-occurrence without statements), the extraction did not: the RDF
    has exactly the entities, typed relations and co-occurrences that extract.json (the extractor's own record)
    lists, matched by key for entities and by name for relation ends (extract.json names them by label)."""
    from ontology import ID

    out = request.getfixturevalue(build)
    records = json.loads((out / "extract.json").read_text(encoding="utf-8"))
    names, mentioned, facts = _entities_and_facts(out)
    assert {str(ID) + e["key"] for r in records for e in r["entities"]} == mentioned
    listed = {(r["subject"], r["predicate"], r["object"]) for rec in records for r in rec["relations"]}
    by_name = {(a, p, b) for s, p, o in facts for a in names.get(s, ()) for b in names.get(o, ())}
    assert listed <= by_name
    unexplained = [(s, p, o) for s, p, o in facts
                   if not any((a, p, b) in listed for a in names.get(s, ()) for b in names.get(o, ()))]
    assert unexplained == []
    assert len({f for f in facts if f[1] == "relatedTo"}) >= 100 and len({f for f in facts if f[1] != "relatedTo"}) >= 50


def _mention_counts(build) -> tuple[dict, dict]:
    """From a build's graph.trig (pyoxigraph): the pk:MentionCount nodes as {(named graph, document, class, year,
    status): count}, and the same key counted from the mentions themselves (each mention with a year and a status,
    by the top-level class of its entity, in its document's named graph)."""
    from collections import Counter

    from ontology import PK, TOP_CLASSES

    tops = {str(PK) + c for c in TOP_CLASSES[:8]}
    values, types = {}, {}
    for q in ox.parse(path=build / "graph.trig"):
        s, p, o = q.subject.value, q.predicate.value, q.object
        if p == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
            types.setdefault(s, set()).add(o.value)
        values.setdefault((q.graph_name.value, s), {}).setdefault(p, []).append(o.value)
    written, counted = {}, Counter()
    for (graph, s), v in values.items():
        if str(PK.MentionCount) in types.get(s, ()):
            assert [len(v[str(PK[p])]) for p in ("inDocument", "countedClass", "year", "status", "mentionCount")] \
                == [1] * 5, s
            key = (graph, v[str(PK.inDocument)][0], v[str(PK.countedClass)][0], int(v[str(PK.year)][0]),
                   v[str(PK.status)][0])
            assert key not in written, f"two counts of {key}"
            written[key] = int(v[str(PK.mentionCount)][0])
        elif str(PK.mentionOf) in v and str(PK.year) in v and str(PK.status) in v:
            (top,) = types[v[str(PK.mentionOf)][0]] & tops
            counted[(graph, graph, top, int(v[str(PK.year)][0]), v[str(PK.status)][0])] += 1
    return written, dict(counted)


@pytest.mark.parametrize("build", ["seed_build", "dev_build"])
def test_mention_counts_equal_the_mentions_they_count(build, request):
    """Each document's pk:MentionCount nodes hold, per top-level class, year and status, exactly the number of its
    mentions that a count over the mentions finds (no key missing, none extra)."""
    written, counted = _mention_counts(request.getfixturevalue(build))
    assert written == counted
    assert len(written) >= 10 and max(written.values()) > 1
    assert len({k[3] for k in written}) >= 2 and {k[4] for k in written} == {"completed", "ongoing", "planned"}
