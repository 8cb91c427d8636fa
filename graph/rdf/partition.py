"""One document's share of the graph, rendered where it was extracted (a worker process or a Dask worker): the
unit the cache keeps and the build streams into graph.ttl, graph.trig and extract.json, so no process ever
holds the whole RDF graph.

A document's named graph is split by whether a triple names the document: "owned" triples (the document node,
its mentions, its facts, entity → document links) belong to this document alone; "shared" triples (relations
between entities) may recur in other documents; entity descriptions (labels, aliases, codes) depend on every
document that mentions the entity and are written once the corpus is merged (see `describe_entity`)."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from graph.extract.model import DocumentGraph, Entity
from graph.extract.pipeline import document_record
from graph.rdf.dataset import TEXT, Lit, add_document, add_entity, add_mention, add_relation, document_iri, fact_iri
from ontology import ID, PK, PREFIXES

ANY_DOCUMENT = "urn:policykg:any-document"  # stands for "the document" in a shared entity description
_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_STRING_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_NAMESPACES = {str(ns): prefix for prefix, ns in PREFIXES.items()}
_RDF_TYPE = str(RDF.type)


@dataclass
class EdgeEvidence:
    """One reified statement of a relation: what the NetworkX projection puts on an edge."""

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

    Evidence is (sentence, document IRI, status, year), as graph.viz.read_provenance reads it from RDF."""

    documents: dict[str, dict] = field(default_factory=dict)
    facts: list[tuple[tuple[str, str, str], tuple]] = field(default_factory=list)
    mentions: list[tuple[str, tuple]] = field(default_factory=list)


@dataclass
class DocumentPart:
    """Everything the build needs from one document, small enough to cache and to send between machines."""

    name: str
    path: str
    key: str | None
    chars: int
    graph: str
    owned: str
    owned_triples: int
    shared: list[str]
    entities: list[Entity]  # without mentions: they are in `owned`
    relations: dict[str, int]
    edges: list[EdgeEvidence]
    record: str
    provenance: DocumentProvenance = field(default_factory=DocumentProvenance)


@dataclass
class EntityDescription:
    """A merged entity's triples as Turtle, with the links to other entities they contain."""

    turtle: str
    triples: int
    links: list[str]
    pairs: list[tuple]


class TripleCollector:
    """Stands in for an rdflib Graph in graph/rdf.py's add_* functions: keeps triples in order, each once."""

    def __init__(self) -> None:
        self._seen: dict[tuple, None] = {}  # an ordered set
        self.add = self._seen.setdefault  # a C method: add_* call it for every triple

    @property
    def triples(self) -> list[tuple]:
        return list(self._seen)


class _TripleList(list):
    """Triples in the order graph/rdf.py's add_* functions make them, duplicates kept (the caller drops them)."""

    add = list.append


# ---------------------------------------------------------------- Turtle text without an rdflib graph

@lru_cache(maxsize=65536)
def turtle_iri(iri: str) -> str:
    """pk:Place for IRIs in a known namespace with a plain local name, else <iri>."""
    for cut in (iri.rfind("#"), iri.rfind("/")):
        prefix = _NAMESPACES.get(iri[: cut + 1]) if cut >= 0 else None
        if prefix is not None and _LOCAL_NAME.fullmatch(iri[cut + 1:]):
            return f"{prefix}:{iri[cut + 1:]}"
    return f"<{iri}>"


def turtle_term(term) -> str:
    """A term in Turtle (and TriG) syntax: rdflib terms, or graph.rdf.TEXT's plain strings (IRIs) and Lits."""
    if type(term) is URIRef or type(term) is str:
        return _turtle_uri(term)
    if type(term) is Lit:
        return _turtle_lit(term)
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_STRING_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        return f"{text}^^{turtle_iri(str(term.datatype))}" if term.datatype else text
    if isinstance(term, URIRef):
        return _turtle_uri(term)
    return f"_:{term}"


@lru_cache(maxsize=65536)
def _turtle_lit(term: Lit) -> str:
    """A Lit in Turtle; cached, as a document repeats its sentences, offsets, rules and statuses."""
    text = '"' + term.lexical.translate(_STRING_ESCAPES) + '"'
    if term.language:
        return f"{text}@{term.language}"
    return f"{text}^^{turtle_iri(term.datatype)}" if term.datatype else text


def _turtle_uri(term: URIRef) -> str:
    text = str(term)
    return "a" if text == _RDF_TYPE else turtle_iri(text)


@lru_cache(maxsize=65536)
def _predicate_object(p, o) -> str:
    """"p o" in Turtle; cached, as many pairs recur (a rule, a status, a year, the document link)."""
    return f"{turtle_term(p)} {turtle_term(o)}"


def turtle_lines(triples: list[tuple]) -> str:
    """Triples as Turtle statements, consecutive triples about one subject joined with ';'."""
    out: list[str] = []
    subject = None
    for s, p, o in triples:
        if s == subject:
            out.append(" ;\n    ")
        else:
            if subject is not None:
                out.append(" .\n")
            out.append(turtle_iri(str(s)) + " ")
            subject = s
        out.append(_predicate_object(p, o))
    if subject is not None:
        out.append(" .\n")
    return "".join(out)


def turtle_prefixes() -> str:
    """The @prefix lines every streamed file starts with."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())) + "\n"


# ---------------------------------------------------------------- one document

def split_by_document(triples: Iterable[tuple], doc: str) -> tuple[list[tuple], list[tuple]]:
    """The triples that name the document (its IRI, or an IRI under it such as a mention or a fact) and the
    others, each in their order; graph.rdf.TEXT terms (IRIs are str). One pass: it sees every triple of a build."""
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
    ("sentence", PK.sentence))}
_DOCUMENT, _STATEMENT, _MENTION = str(PK.Document), str(RDF.Statement), str(PK.Mention)


def provenance_of(triples: list[tuple]) -> DocumentProvenance:
    """Documents, statements' evidence and mentions' sentences among a document's triples (plain strings: fast)."""
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
    for s, classes in types.items():
        v = values.get(s, {})
        evidence = (v.get("inDocument"), v.get("status"), v.get("year"))
        if _DOCUMENT in classes:
            prov.documents[s] = {"title": v.get("title") or v.get("sourceFile") or s, "date": v.get("date") or "",
                                 "file": v.get("sourceFile") or ""}
        if _STATEMENT in classes and "evidence" in v:
            key = (v.get("subject", "None"), v.get("predicate", "None"), v.get("object", "None"))
            prov.facts.append((key, (v["evidence"], *evidence)))
        if _MENTION in classes and "mentionOf" in v and "sentence" in v:
            prov.mentions.append((v["mentionOf"], (v["sentence"], *evidence)))
    return prov


def edge_evidence(dg: DocumentGraph, facts: list[str] | None = None) -> list[EdgeEvidence]:
    """The relations' statements as the NetworkX projection reads them, one per fact IRI (`facts`: the relations'
    fact IRIs, when the caller has made them)."""
    d = document_iri(dg.document, TEXT)
    seen: set = set()
    out = []
    for i, r in enumerate(dg.relations):
        f = facts[i] if facts is not None else fact_iri(d, r, TEXT)
        if f in seen:
            continue
        seen.add(f)
        out.append(EdgeEvidence(TEXT.entity(r.subject), r.predicate, TEXT.entity(r.object),
                                r.evidence or "", r.status or "", f"{int(r.year):04d}" if r.year else "", r.count))
    return out


def _without_mentions(e: Entity) -> Entity:
    """What merging needs of an entity: its mentions are already in the document's Turtle, and merging every
    report's mentions into one list cost more than the rest of the merge (see the build's README section)."""
    return Entity(e.key, e.label, e.cls, e.aliases, [], e.confidence, e.code, e.attrs, e.docs)


def _unlabelled(e: Entity) -> Entity:
    """The entity without labels or aliases: describing it for its document-naming triples then skips pinyin."""
    return Entity(e.key, "", e.cls, [], [], e.confidence, e.code, e.attrs, e.docs)


def part_from_graph(dg: DocumentGraph, key: str | None = None, path: str = "") -> DocumentPart:
    """Render one document's graph: owned triples as Turtle, shared ones as lines, plus what merging needs."""
    doc = dg.document
    d = document_iri(doc, TEXT)
    doc_iri = d
    owned, shared = TripleCollector(), TripleCollector()  # of graph.rdf.TEXT terms
    add_document(owned, doc, TEXT)
    for e in dg.entities:
        local = _TripleList()
        s = add_entity(local, _unlabelled(e), d, TEXT)
        for t in split_by_document(local, doc_iri)[0]:  # only its triples naming the document are kept
            owned.add(t)
        for m in e.mentions:
            add_mention(owned, doc, d, s, m, TEXT)
    made = _TripleList()
    facts = [add_relation(made, d, r, TEXT) for r in dg.relations]
    naming, others = split_by_document(made, doc_iri)
    for t in naming:
        owned.add(t)
    for t in others:
        shared.add(t)
    owned_triples = owned.triples
    relations: dict[str, int] = {}
    for r in dg.relations:
        relations[r.predicate] = relations.get(r.predicate, 0) + 1
    record = json.dumps(document_record(dg), ensure_ascii=False, separators=(",", ":"))  # C encoder: no indent
    return DocumentPart(name=doc.name, path=path or doc.path, key=key, chars=len(doc.text), graph=str(d),
                        owned=turtle_lines(owned_triples), owned_triples=len(owned_triples),
                        shared=[turtle_lines([t]) for t in shared.triples],
                        entities=[_without_mentions(e) for e in dg.entities],
                        relations=relations, edges=edge_evidence(dg, facts), record=record,
                        provenance=provenance_of(owned_triples))


_ID = str(ID)


def describe_entity(e: Entity) -> EntityDescription:
    """A merged entity's document-independent triples (what every document that mentions it repeats); its pairs
    hold graph.rdf.TEXT terms: IRIs as str, literals as Lit."""
    triples = TripleCollector()
    add_entity(triples, e, ANY_DOCUMENT, TEXT)
    kept = split_by_document(triples.triples, ANY_DOCUMENT)[1]
    links = [turtle_lines([t]) for t in kept if type(t[2]) is str and t[2].startswith(_ID)]
    return EntityDescription(turtle_lines(kept), len(kept), links, [(p, o) for _, p, o in kept])
