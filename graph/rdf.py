"""Turn extracted document graphs into an rdflib Dataset: one named graph per document, provenance to the sentence."""
from __future__ import annotations

import hashlib
from functools import lru_cache
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from ontology import DOC, ID, PK, SCHEMA, bind_prefixes, top_class

from .model import Document, DocumentGraph, Entity, Mention, Relation

PINYIN_LANG = "zh-latn-pinyin"


@lru_cache(maxsize=65536)
def slug(text: str, limit: int = 40) -> str:
    """A stable ASCII slug: pinyin for Chinese, plus a short hash so homophones never collide."""
    from pypinyin import lazy_pinyin

    ascii_part = re.sub(r"[^a-z0-9]+", "-", "".join(lazy_pinyin(text)).lower()).strip("-")[:limit].strip("-")
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]
    return f"{ascii_part}-{digest}" if ascii_part else digest


def document_id(doc: Document) -> str:
    """The document's IRI local part, from its file name so a rebuilt document replaces its old graph."""
    return slug(doc.name.rsplit(".", 1)[0] if "." in doc.name else doc.name, 60)


def entity_iri(key: str) -> URIRef:
    return ID[key]


def document_iri(doc: Document) -> URIRef:
    return DOC[document_id(doc)]


def _decimal(x: float | str) -> Literal:
    try:
        value = Decimal(str(x))
    except InvalidOperation:
        value = Decimal(0)
    if isinstance(x, float):
        value = value.quantize(Decimal("0.001"))
    return Literal(value, datatype=XSD.decimal)


def _year(year: int) -> Literal:
    return Literal(f"{int(year):04d}", datatype=XSD.gYear)


def _fact_context(doc: Document, start: int, end: int) -> tuple[str | None, int | None]:
    """Status and year of a span: the relations module's verb cues when present, else the section's context."""
    try:
        from .relations import fact_context
    except ImportError:
        fact_context = None
    if fact_context is not None:
        return fact_context(doc, start, end)
    s = doc.sentence_at(start)
    return (s.status, s.year) if s else (None, None)


def add_document(g: Graph, doc: Document) -> URIRef:
    """The pk:Document node with Dublin Core metadata and the event it reports."""
    d = document_iri(doc)
    g.add((d, RDF.type, PK.Document))
    g.add((d, RDFS.label, Literal(doc.title or doc.name, lang="zh")))
    if doc.title:
        g.add((d, DCTERMS.title, Literal(doc.title, lang="zh")))
    if doc.date:
        g.add((d, DCTERMS.date, Literal(doc.date, datatype=XSD.date)))
    if doc.source:
        g.add((d, DCTERMS.source, Literal(doc.source, lang="zh")))
    for author in doc.authors:
        g.add((d, DCTERMS.creator, Literal(author, lang="zh")))
    g.add((d, PK.sourceFile, Literal(doc.name)))
    if doc.content_hash:
        g.add((d, PK.contentHash, Literal(doc.content_hash)))
    if doc.event:
        from .corpus import reported_event

        ev = URIRef(f"{d}/event")
        g.add((d, SCHEMA.about, ev))
        g.add((ev, RDF.type, SCHEMA.Event))
        g.add((ev, SCHEMA.name, Literal(doc.event, lang="zh")))
        g.add((ev, RDFS.label, Literal(doc.event, lang="zh")))
        details = reported_event(doc.text, doc.date)
        if details is not None and details.name == doc.event:
            if details.date:
                g.add((ev, SCHEMA.startDate, Literal(details.date, datatype=XSD.date)))
            if details.venue:
                g.add((ev, SCHEMA.location, Literal(details.venue, lang="zh")))
    return d


def add_entity(g: Graph, e: Entity, d: URIRef) -> URIRef:
    """An entity typed with its most specific class, labels, aliases, codes and indicator values."""
    from pypinyin import lazy_pinyin

    s = entity_iri(e.key)
    g.add((s, RDF.type, PK[e.cls]))
    g.add((s, RDF.type, PK[top_class(e.cls)]))  # the top class too, so `?x a pk:Project` works without inference
    g.add((s, RDFS.label, Literal(e.label, lang="zh")))
    py = " ".join(lazy_pinyin(e.label))
    if py and py != e.label:
        g.add((s, RDFS.label, Literal(py, lang=PINYIN_LANG)))
    for alias in sorted(set(e.aliases) - {e.label}):
        g.add((s, SKOS.altLabel, Literal(alias, lang="zh")))
    if e.code:
        g.add((s, PK.divisionCode, Literal(e.code)))
    if e.confidence:
        g.add((s, PK.confidence, _decimal(e.confidence)))
    g.add((s, PK.inDocument, d))
    a = e.attrs or {}
    if "value" in a:
        g.add((s, PK.value, _decimal(str(a["value"]))))
    if a.get("unit"):
        g.add((s, PK.unit, Literal(a["unit"])))
    if a.get("kind"):
        g.add((s, PK.indicatorKind, Literal(a["kind"])))
    if a.get("year"):
        g.add((s, PK.year, _year(a["year"])))
    if a.get("status"):
        g.add((s, PK.status, Literal(a["status"])))
    if a.get("measures"):
        g.add((s, PK.measures, entity_iri(a["measures"])))
    if a.get("metric"):
        g.add((s, SCHEMA.name, Literal(a["metric"], lang="zh")))
    if a.get("upper") or a.get("qualifier") in ("以上", "以下"):  # 2-3个, 900家以上: the value is a bound
        g.add((s, SCHEMA.maxValue if a.get("qualifier") == "以下" else SCHEMA.minValue, _decimal(str(a["value"]))))
        if a.get("upper"):
            g.add((s, SCHEMA.maxValue, _decimal(str(a["upper"]))))
    return s


def add_mention(g: Graph, doc: Document, d: URIRef, e: URIRef, m: Mention) -> URIRef:
    """A pk:Mention: the exact span, its sentence, the rule and its confidence, with status and year."""
    node = URIRef(f"{d}/mention/{m.start}-{m.end}-{hashlib.sha1(str(e).encode('utf-8')).hexdigest()[:6]}")
    g.add((node, RDF.type, PK.Mention))
    g.add((node, PK.mentionOf, e))
    g.add((node, PK.inDocument, d))
    g.add((node, RDFS.label, Literal(m.text, lang="zh")))
    g.add((node, PK.start, Literal(m.start)))
    g.add((node, PK.end, Literal(m.end)))
    g.add((node, PK.method, Literal(m.rule)))
    g.add((node, PK.confidence, _decimal(m.confidence)))
    sent = doc.sentence_at(m.start)
    if sent:
        g.add((node, PK.sentence, Literal(sent.text, lang="zh")))
    status, year = _fact_context(doc, m.start, m.end)
    if status:
        g.add((node, PK.status, Literal(status)))
    if year:
        g.add((node, PK.year, _year(year)))
    return node


def fact_iri(d: URIRef, r: Relation) -> URIRef:
    """A deterministic IRI for one piece of evidence of a relation."""
    h = hashlib.sha1(f"{r.subject}|{r.predicate}|{r.object}|{r.start}|{r.end}".encode("utf-8")).hexdigest()[:12]
    return URIRef(f"{d}/fact/{h}")


def add_relation(g: Graph, d: URIRef, r: Relation) -> URIRef:
    """The plain triple plus its reified evidence (sentence, offsets, rule, confidence, status, year)."""
    s, p, o = entity_iri(r.subject), PK[r.predicate], entity_iri(r.object)
    g.add((s, p, o))
    f = fact_iri(d, r)
    g.add((f, RDF.type, RDF.Statement))
    g.add((f, RDF.subject, s))
    g.add((f, RDF.predicate, p))
    g.add((f, RDF.object, o))
    g.add((f, PK.inDocument, d))
    g.add((f, PROV.wasDerivedFrom, d))
    if r.evidence:
        g.add((f, PK.evidence, Literal(r.evidence, lang="zh")))
    if r.start >= 0:
        g.add((f, PK.start, Literal(r.start)))
        g.add((f, PK.end, Literal(r.end)))
    if r.rule:
        g.add((f, PK.method, Literal(r.rule)))
    g.add((f, PK.confidence, _decimal(r.confidence)))
    if r.status:
        g.add((f, PK.status, Literal(r.status)))
    if r.year:
        g.add((f, PK.year, _year(r.year)))
    if r.predicate == "relatedTo" or r.count != 1:
        g.add((f, PK["count"], Literal(r.count)))
    return f


def document_graph(g: Graph, dg: DocumentGraph, entities: dict[str, Entity] | None = None) -> None:
    """Write one document's entities, mentions and relations into graph g (its named graph)."""
    doc = dg.document
    d = add_document(g, doc)
    merged = entities or {}
    for e in dg.entities:
        s = add_entity(g, merged.get(e.key, e), d)
        for m in e.mentions:
            add_mention(g, doc, d, s, m)
    for r in dg.relations:
        add_relation(g, d, r)


def to_dataset(doc_graphs: Iterable[DocumentGraph], entities: Iterable[Entity] | None = None) -> Dataset:
    """A Dataset with one named graph per document; query it as the union (default_union=True)."""
    ds = Dataset(default_union=True)
    bind_prefixes(ds)
    merged = {e.key: e for e in entities} if entities is not None else None
    for dg in doc_graphs:
        g = ds.graph(document_iri(dg.document))
        document_graph(g, dg, merged)
    return ds


def union_graph(ds: Dataset) -> Graph:
    """All triples of all named graphs as one plain Graph (what graph.ttl holds)."""
    g = Graph()
    bind_prefixes(g)
    for ctx in ds.graphs():
        for t in ctx:
            g.add(t)
    return g


def entity_nodes(g: Graph) -> set[URIRef]:
    """IRIs of every entity (anything typed with an entity class, not documents or mentions)."""
    from ontology import TOP_CLASSES

    out = set()
    for s, o in g.subject_objects(RDF.type):
        if isinstance(s, URIRef) and str(o).startswith(str(PK)) and str(s).startswith(str(ID)):
            if top_class(str(o)[len(PK):]) in TOP_CLASSES[:8]:
                out.add(s)
    return out


__all__ = ["to_dataset", "union_graph", "entity_nodes", "slug", "document_id", "document_iri", "entity_iri",
           "fact_iri", "BNode"]
