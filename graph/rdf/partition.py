"""One document's share of the graph, rendered where it was extracted (a worker process or a Dask worker): the
unit the cache keeps and the build streams into graph.ttl, graph.trig and extract.json, so no process ever
holds the whole RDF graph.

A document's named graph is split by whether a triple names the document: "owned" triples (the document node,
its mentions, sentences and facts, entity → document links) belong to this document alone; "shared" triples
(relations between entities) may recur in other documents; entity descriptions (labels, aliases, codes) depend
on every document that mentions the entity and are written once the corpus is merged (see `describe_entities`).

Every byte of RDF is written by pyoxigraph's Turtle and TriG serializers (W3C-conformant escaping, in Rust);
this module only chooses which triples go into which piece, in a fixed order, so rebuilds are byte-identical."""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF

from graph.extract.model import DocumentGraph, Entity
from graph.extract.pipeline import document_record
from graph.rdf.dataset import (
    TEXT,
    Lit,
    add_document,
    add_entity,
    add_mention,
    add_mention_counts,
    add_relation,
    add_sentence,
    cited_sentences,
    document_iri,
    fact_iri,
    mention_sentence,
    top_class_of,
)
from graph.text.model import Sentence
from ontology import ID, NIF, PK, PREFIXES

ANY_DOCUMENT = "urn:policykg:any-document"  # stands for "the document" in a shared entity description
SERIALIZER_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


@dataclass
class EdgeEvidence:
    """One sentence supporting a relation: what the NetworkX projection puts on an edge."""

    subject: str
    predicate: str
    object: str
    evidence: str = ""
    status: str = ""
    year: str = ""
    count: int = 1


@dataclass
class DocumentProvenance:
    """What the HTML explorer's side panel shows about one document: its metadata, fact and mention sentences.

    Evidence is (sentence, document IRI, status, year), as graph.views.provenance.read_provenance reads it from RDF."""

    documents: dict[str, dict] = field(default_factory=dict)
    facts: list[tuple[tuple[str, str, str], tuple]] = field(default_factory=list)
    mentions: list[tuple[str, tuple]] = field(default_factory=list)


@dataclass
class DocumentPart:
    """Everything the build needs from one document, small enough to cache and to send between machines.

    trig: the document's named graph (owned and shared triples) as one TriG block; owned: its owned triples as
    Turtle statements (graph.ttl); both without the prefix lines, which the file has once (`rdf_header`)."""

    name: str
    path: str
    key: str | None
    chars: int
    graph: str
    trig: bytes
    owned: bytes
    owned_triples: int
    shared: list[tuple[str, str, str]]  # relations between entities (IRIs): graph.ttl writes each once
    entities: list[Entity]  # without mentions: they are in `owned`
    relations: dict[str, int]
    edges: list[EdgeEvidence]
    record: str
    provenance: DocumentProvenance = field(default_factory=DocumentProvenance)

    @property
    def graph_opening(self) -> bytes:
        """The first line of the document's TriG block (`doc:name {`), as the serializer wrote it: the block of
        entity descriptions that `finish` adds to the same named graph opens with it."""
        return self.trig[: self.trig.index(b"\n") + 1]


@dataclass
class EntityDescription:
    """A merged entity's triples as Turtle statements, with the links to other entities they contain."""

    turtle: bytes
    triples: int
    links: list[tuple[str, str, str]]
    pairs: list[tuple]


class TripleCollector:
    """Stands in for an rdflib Graph in graph/rdf/dataset.py's add_* functions: keeps triples in order, each once."""

    def __init__(self) -> None:
        self._seen: dict[tuple, None] = {}  # an ordered set
        self.add = self._seen.setdefault  # a C method: add_* call it for every triple

    @property
    def triples(self) -> list[tuple]:
        return list(self._seen)


class _TripleList(list):
    """Triples in the order graph/rdf/dataset.py's add_* functions make them, duplicates kept (the caller drops them)."""

    add = list.append


# ---------------------------------------------------------------- serialising with pyoxigraph

@lru_cache(maxsize=65536)
def ox_iri(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


@lru_cache(maxsize=65536)
def ox_literal(term: Lit) -> ox.Literal:
    if term.language:
        return ox.Literal(term.lexical, language=term.language)
    if term.datatype:
        return ox.Literal(term.lexical, datatype=ox_iri(term.datatype))
    return ox.Literal(term.lexical)


def ox_term(term) -> ox.NamedNode | ox.Literal:
    """A graph.rdf.TEXT term (an IRI as str, a literal as Lit) as a pyoxigraph term."""
    return ox_iri(term) if type(term) is str else ox_literal(term)


@lru_cache(maxsize=1)
def rdf_header() -> bytes:
    """The @prefix lines pyoxigraph writes before any triple with the project's prefixes: once per file."""
    probe = ox.Triple(ox_iri(str(PK.Place)), ox_iri(str(RDF.type)), ox_iri(str(PK.Place)))
    data = ox.serialize([probe], format=ox.RdfFormat.TURTLE, prefixes=SERIALIZER_PREFIXES)
    return b"".join(line for line in data.splitlines(keepends=True) if line.startswith(b"@prefix "))


def serialize_body(items: list, fmt: ox.RdfFormat) -> bytes:
    """Triples (Turtle) or quads (TriG) written by pyoxigraph with the project's prefixes, the prefix lines cut
    off so that pieces written apart can follow one header in one file."""
    if not items:
        return b""
    data = ox.serialize(items, format=fmt, prefixes=SERIALIZER_PREFIXES)
    header = rdf_header()
    if not data.startswith(header):  # the serializer changed how it writes prefixes: fail rather than mangle
        raise RuntimeError("pyoxigraph wrote an unexpected prefix header")
    return data[len(header):]


def turtle_statements(triples: Iterable[tuple]) -> bytes:
    """graph.rdf.TEXT triples as Turtle statements (no prefix lines)."""
    return serialize_body([ox.Triple(ox_term(s), ox_term(p), ox_term(o)) for s, p, o in triples],
                          ox.RdfFormat.TURTLE)


def _statement_blocks(lines: list[bytes], indent: bytes) -> list[list[bytes]]:
    """Serializer output cut into its statements: a statement opens on a line indented by `indent` alone, and its
    continuation lines are indented further (literals never hold a raw line break: the serializer escapes it)."""
    blocks: list[list[bytes]] = []
    deeper = indent + b"\t"
    for line in lines:
        if line.startswith(deeper) and blocks:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def _subject_runs(triples: list[tuple]) -> int:
    """How many statements the serializer writes for triples in this order: one per run of one subject."""
    return sum(1 for i, t in enumerate(triples) if i == 0 or t[0] != triples[i - 1][0])


def owned_turtle(trig: bytes, owned: list[tuple], shared: list[tuple]) -> bytes | None:
    """The owned triples' Turtle statements, cut from the document's TriG block (owned statements first, then the
    shared ones) and moved out one indentation level, so they are serialized once; None when the last owned and
    the first shared triple share a subject (the serializer then joins them in one statement)."""
    if owned and shared and owned[-1][0] == shared[0][0]:
        return None
    blocks = _statement_blocks(trig.splitlines(keepends=True)[1:-1], b"\t")
    n = _subject_runs(owned)
    if len(blocks) != n + _subject_runs(shared):
        raise RuntimeError(f"expected {n} + {_subject_runs(shared)} statements, the serializer wrote {len(blocks)}")
    return b"".join(line[1:] for block in blocks[:n] for line in block)


def turtle_blocks(triples: list[tuple]) -> list[bytes]:
    """One Turtle block per subject, for triples grouped by subject (all of one subject in a row, each subject
    once), written by one serializer call. A statement starts on a line of its own and its continuation lines
    are indented (literals never hold a raw line break: the serializer escapes it), so the output splits there."""
    return [b"".join(block) for block in _statement_blocks(turtle_statements(triples).splitlines(keepends=True), b"")]


# ---------------------------------------------------------------- one document

def split_by_document(triples: Iterable[tuple], doc: str) -> tuple[list[tuple], list[tuple]]:
    """The triples that name the document (its IRI, or an IRI under it such as a mention, a sentence or a fact)
    and the others, each in their order; graph.rdf.TEXT terms (IRIs are str). One pass: it sees every triple of a
    build."""
    under = doc + "/"
    naming: list[tuple] = []
    others: list[tuple] = []
    for t in triples:
        s, _, o = t  # a predicate is never a document
        if s == doc or o == doc or (type(s) is str and s.startswith(under)) or (type(o) is str and o.startswith(under)):
            naming.append(t)
        else:
            others.append(t)
    return naming, others


_PROVENANCE_PREDICATES = {str(t): name for name, t in (
    ("type", RDF.type), ("inDocument", PK.inDocument), ("status", PK.status), ("year", PK.year),
    ("title", DCTERMS.title), ("sourceFile", PK.sourceFile), ("date", DCTERMS.date), ("evidence", PK.evidence),
    ("subject", RDF.subject), ("predicate", RDF.predicate), ("object", RDF.object), ("mentionOf", PK.mentionOf),
    ("sentence", PK.sentence), ("anchorOf", NIF.anchorOf))}
_DOCUMENT, _STATEMENT, _MENTION = str(PK.Document), str(RDF.Statement), str(PK.Mention)
_RELATED_TO = str(PK.relatedTo)


def _year_text(year) -> str:
    return str(int(year)) if year else ""


def comentions(dg: DocumentGraph) -> dict[tuple[str, str], list[Sentence]]:
    """For each co-occurrence (relatedTo) of the document, the sentences that mention both ends, in order: what
    the RDF says of it (no statement node), so the count and the evidence users see are computed from mentions."""
    doc = dg.document
    by_entity: dict[str, set[int]] = defaultdict(set)
    for e in dg.entities:
        for m in e.mentions:
            sent = mention_sentence(doc, m)
            if sent is not None:
                by_entity[e.key].add(sent.index)
    out: dict[tuple[str, str], list[Sentence]] = {}
    for r in dg.relations:
        if r.predicate == "relatedTo" and (r.subject, r.object) not in out:
            both = by_entity.get(r.subject, set()) & by_entity.get(r.object, set())
            out[(r.subject, r.object)] = [doc.sentences[i] for i in sorted(both)]
    return out


def provenance_of(triples: list[tuple], related: dict[tuple[str, str], list[Sentence]] | None = None,
                  doc_iri: str = "") -> DocumentProvenance:
    """Documents, statements' evidence, mentions' sentences among a document's triples (plain strings: fast), and
    the sentences of its co-occurrences (`related`, keyed by entity keys, from `comentions`)."""
    types: dict[str, set] = {}
    values: dict[str, dict] = {}
    predicate_name = _PROVENANCE_PREDICATES.get
    for s, p, o in triples:  # TEXT terms: IRIs are already str
        name = predicate_name(p)
        if name is None:
            continue
        if name == "type":
            types.setdefault(s, set()).add(o)
            continue
        v = values.get(s)
        if v is None:
            v = values[s] = {}
        if name not in v:  # the first value wins, as with setdefault
            v[name] = o.lexical if type(o) is Lit else str(o)
    prov = DocumentProvenance()

    def sentence_text(iri: str | None) -> tuple[str | None, str | None]:
        v = values.get(iri or "", {})
        return v.get("anchorOf"), v.get("inDocument")

    for s, classes in types.items():
        v = values.get(s, {})
        if _DOCUMENT in classes:
            prov.documents[s] = {"title": v.get("title") or v.get("sourceFile") or s, "date": v.get("date") or "",
                                 "file": v.get("sourceFile") or ""}
        if _STATEMENT in classes:
            text, _ = sentence_text(v.get("evidence"))
            if text is not None:
                key = (v.get("subject", "None"), v.get("predicate", "None"), v.get("object", "None"))
                prov.facts.append((key, (text, v.get("inDocument"), v.get("status"), v.get("year"))))
        if _MENTION in classes and "mentionOf" in v:
            text, document = sentence_text(v.get("sentence"))
            if text is not None:
                prov.mentions.append((v["mentionOf"], (text, document, v.get("status"), v.get("year"))))
    for (a, b), sentences in (related or {}).items():
        key = (TEXT.entity(a), _RELATED_TO, TEXT.entity(b))
        for sent in sentences:
            prov.facts.append((key, (sent.text, doc_iri, sent.status, _year_text(sent.year) or None)))
    return prov


def edge_evidence(dg: DocumentGraph, facts: list[str | None] | None = None,
                  related: dict[tuple[str, str], list[Sentence]] | None = None) -> list[EdgeEvidence]:
    """The relations' evidence as the NetworkX projection reads it: one per statement (fact IRI) of a typed
    relation, one per sentence that mentions both ends of a co-occurrence (`facts`: the relations' fact IRIs,
    `related`: the co-occurrences' sentences, when the caller has made them)."""
    d = document_iri(dg.document, TEXT)
    related = comentions(dg) if related is None else related
    seen: set = set()
    out = []
    for i, r in enumerate(dg.relations):
        if r.predicate == "relatedTo":
            if (r.subject, r.object) in seen:
                continue
            seen.add((r.subject, r.object))
            out.extend(EdgeEvidence(TEXT.entity(r.subject), r.predicate, TEXT.entity(r.object), sent.text,
                                    sent.status or "", _year_text(sent.year))
                       for sent in related.get((r.subject, r.object), []))
            continue
        f = facts[i] if facts is not None else fact_iri(d, r, TEXT)
        if f in seen:
            continue
        seen.add(f)
        out.append(EdgeEvidence(TEXT.entity(r.subject), r.predicate, TEXT.entity(r.object),
                                r.evidence or "", r.status or "", _year_text(r.year)))
    return out


def _without_mentions(e: Entity) -> Entity:
    """What merging needs of an entity: its mentions are already in the document's Turtle, and merging every
    report's mentions into one list cost more than the rest of the merge (see the build's README section)."""
    return Entity(e.key, e.label, e.cls, e.aliases, [], e.confidence, e.code, e.attrs, e.docs)


def _unlabelled(e: Entity) -> Entity:
    """The entity without labels or aliases: describing it for its document-naming triples then skips pinyin."""
    return Entity(e.key, "", e.cls, [], [], e.confidence, e.code, e.attrs, e.docs)


def part_from_graph(dg: DocumentGraph, key: str | None = None, path: str = "") -> DocumentPart:
    """Render one document's graph: its named graph as TriG, owned triples as Turtle, shared ones as IRI triples,
    plus what merging needs."""
    doc = dg.document
    d = document_iri(doc, TEXT)
    owned, shared = TripleCollector(), TripleCollector()  # of graph.rdf.TEXT terms
    add_document(owned, doc, TEXT)
    counted: dict = {}
    for e in dg.entities:
        local = _TripleList()
        s = add_entity(local, _unlabelled(e), d, TEXT)
        for t in split_by_document(local, d)[0]:  # only its triples naming the document are kept
            owned.add(t)
        top = top_class_of(e.cls)
        for m in e.mentions:
            add_mention(owned, doc, d, s, m, TEXT, counted, top)
    for sent in cited_sentences(doc, dg):
        add_sentence(owned, d, sent, TEXT)
    add_mention_counts(owned, d, counted.values(), TEXT)
    made = _TripleList()
    facts = [add_relation(made, doc, d, r, TEXT) for r in dg.relations]
    naming, others = split_by_document(made, d)
    for t in naming:
        owned.add(t)
    for t in others:
        shared.add(t)
    owned_triples, shared_triples = owned.triples, shared.triples
    graph, iri, literal, quad = ox_iri(d), ox_iri, ox_literal, ox.Quad  # the build's hottest loop: no calls between
    quads = [quad(iri(s), iri(p), iri(o) if type(o) is str else literal(o), graph)
             for s, p, o in owned_triples + shared_triples]
    trig = serialize_body(quads, ox.RdfFormat.TRIG)
    owned_ttl = owned_turtle(trig, owned_triples, shared_triples)
    if owned_ttl is None:
        owned_ttl = serialize_body([q.triple for q in quads[:len(owned_triples)]], ox.RdfFormat.TURTLE)
    relations: dict[str, int] = {}
    for r in dg.relations:
        relations[r.predicate] = relations.get(r.predicate, 0) + 1
    related = comentions(dg)
    record = json.dumps(document_record(dg), ensure_ascii=False, separators=(",", ":"))  # C encoder: no indent
    return DocumentPart(name=doc.name, path=path or doc.path, key=key, chars=len(doc.text), graph=d,
                        trig=trig, owned=owned_ttl,
                        owned_triples=len(owned_triples), shared=shared_triples,
                        entities=[_without_mentions(e) for e in dg.entities],
                        relations=relations, edges=edge_evidence(dg, facts, related), record=record,
                        provenance=provenance_of(owned_triples, related, d))


_ID = str(ID)


def describe_entities(entities: Iterable[Entity]) -> dict[str, EntityDescription]:
    """Merged entities' document-independent triples (what every document that mentions them repeats), written by
    one serializer call and cut into one Turtle block per entity; `pairs` hold graph.rdf.TEXT terms: IRIs as str,
    literals as Lit."""
    kept: dict[str, list[tuple]] = {}
    for e in entities:
        triples = TripleCollector()
        add_entity(triples, e, ANY_DOCUMENT, TEXT)
        kept[e.key] = split_by_document(triples.triples, ANY_DOCUMENT)[1]
    described = [k for k, triples in kept.items() if triples]
    blocks = turtle_blocks([t for k in described for t in kept[k]])
    if len(blocks) != len(described):
        raise RuntimeError(f"expected {len(described)} Turtle blocks, the serializer wrote {len(blocks)}")
    turtle = dict(zip(described, blocks))
    return {k: EntityDescription(turtle.get(k, b""), len(triples),
                                 [t for t in triples if type(t[2]) is str and t[2].startswith(_ID)],
                                 [(p, o) for _, p, o in triples])
            for k, triples in kept.items()}


def describe_entity(e: Entity) -> EntityDescription:
    """One merged entity's description (see describe_entities)."""
    return describe_entities([e])[e.key]


__all__ = ["DocumentPart", "EdgeEvidence", "EntityDescription", "part_from_graph", "describe_entities",
           "describe_entity", "rdf_header", "turtle_statements"]
