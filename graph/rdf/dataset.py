"""Turn extracted document graphs into an rdflib Dataset: one named graph per document, provenance to the sentence."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from graph.extract.keys import pinyin, slug
from graph.extract.model import DocumentGraph, Entity, Mention, Relation
from graph.text.model import Document, Sentence
from ontology import DOC, ID, NIF, PK, SCHEMA, bind_prefixes, top_class

PINYIN_LANG = "zh-latn-pinyin"


def document_id(doc: Document) -> str:
    """The document's IRI local part, from its file name so a rebuilt document replaces its old graph."""
    return slug(doc.name.rsplit(".", 1)[0] if "." in doc.name else doc.name, 60)


class Lit(NamedTuple):
    """A literal as plain data, for writers that render Turtle themselves and never build an rdflib graph."""

    lexical: str
    datatype: str | None = None
    language: str | None = None


_VOCAB = {
    "type": RDF.type, "label": RDFS.label, "altLabel": SKOS.altLabel, "title": DCTERMS.title, "date": DCTERMS.date,
    "source": DCTERMS.source, "creator": DCTERMS.creator, "wasDerivedFrom": PROV.wasDerivedFrom,
    "Statement": RDF.Statement, "subject": RDF.subject, "predicate": RDF.predicate, "object": RDF.object,
    "about": SCHEMA.about, "Event": SCHEMA.Event, "name": SCHEMA.name, "startDate": SCHEMA.startDate,
    "location": SCHEMA.location, "maxValue": SCHEMA.maxValue, "minValue": SCHEMA.minValue,
    "anchorOf": NIF.anchorOf, "beginIndex": NIF.beginIndex, "endIndex": NIF.endIndex,
    **{name: PK[name] for name in (
        "Document", "sourceFile", "contentHash", "divisionCode", "confidence", "inDocument", "value", "unit",
        "indicatorKind", "year", "status", "measures", "Mention", "mentionOf", "mentionClass", "surface", "start",
        "end", "method", "sentence", "Sentence", "evidence", "MentionCount", "countedClass", "mentionCount")},
}


class Terms:
    """How the add_* functions below make RDF terms: rdflib terms for an in-memory Dataset (RDFLIB), or plain
    strings and Lit tuples (TEXT) for the build, which renders Turtle itself and would spend most of its time
    constructing and hashing rdflib terms. Both describe the same triples; the vocabulary is written once, here."""

    def __init__(self, iri, literal):
        self.iri = iri
        # text(text, lang=None): a string literal, with a language tag or plain; integer(n): an xsd:integer
        self.text = self.integer = literal  # bound here, not wrapped: they are called for every literal
        self._pk: dict[str, object] = {}
        for name, term in _VOCAB.items():
            setattr(self, name, iri(str(term)))

    def pk(self, local: str):
        """A term of the ontology namespace (a class or a predicate named at run time)."""
        term = self._pk.get(local)
        if term is None:
            term = self._pk[local] = self.iri(str(PK) + local)
        return term

    def entity(self, key: str):
        return self.iri(str(ID) + key)

    def decimal(self, x: float | str):
        """A decimal rounded to 3 places when it comes from a float."""
        return _decimal(x) if self is RDFLIB else _decimal_lit(x)

    def year_value(self, year: int):
        """A year as an xsd:integer (OWL 2 has no xsd:gYear; Turtle writes it bare: 2023)."""
        return self.integer(int(year))

    def typed(self, lexical: str, datatype: URIRef):
        """A literal of another datatype (dates): made by rdflib, which may normalise its lexical form."""
        term = Literal(lexical, datatype=datatype)
        return term if self is RDFLIB else _as_lit(term)


def _as_lit(term: Literal) -> Lit:
    return Lit(str(term), str(term.datatype) if term.datatype else None, term.language)


_XSD_INTEGER = str(XSD.integer)


_new_tuple = tuple.__new__  # skips NamedTuple's keyword handling: this is the build's hottest constructor


def _text_literal(value, lang: str | None = None) -> Lit:
    """Lit for a str (with or without language) or an int, as rdflib's Literal(value, lang=lang) would write it."""
    if type(value) is str:
        return _new_tuple(Lit, (value, None, lang))
    if type(value) is int:
        return _new_tuple(Lit, (str(value), _XSD_INTEGER, None))
    return _as_lit(Literal(value, lang=lang))


RDFLIB = Terms(URIRef, Literal)
TEXT = Terms(str, _text_literal)


def entity_iri(key: str, t: Terms = RDFLIB) -> URIRef | str:
    return t.entity(key)


def document_iri(doc: Document, t: Terms = RDFLIB) -> URIRef | str:
    return t.iri(str(DOC) + document_id(doc))


@lru_cache(maxsize=65536, typed=True)  # typed: 1 and 1.0 are written differently
def _decimal(x: float | str) -> Literal:
    try:
        value = Decimal(str(x))
    except InvalidOperation:
        value = Decimal(0)
    if isinstance(x, float):
        value = value.quantize(Decimal("0.001"))
    return Literal(value, datatype=XSD.decimal)


@lru_cache(maxsize=65536, typed=True)
def _decimal_lit(x: float | str) -> Lit:
    return _as_lit(_decimal(x))


def _section_context(doc: Document, start: int, end: int) -> tuple[str | None, int | None]:
    s = doc.sentence_at(start)
    return (s.status, s.year) if s else (None, None)


@lru_cache(maxsize=1)
def _context_reader():
    """The relations module's fact_context (verb cues), imported once; the section's context without it."""
    try:
        from graph.extract.relations import fact_context
    except ImportError:
        return _section_context
    return fact_context


def _fact_context(doc: Document, start: int, end: int) -> tuple[str | None, int | None]:
    """Status and year of a span: the relations module's verb cues when present, else the section's context."""
    return _context_reader()(doc, start, end)


def add_document(g: Graph, doc: Document, t: Terms = RDFLIB):
    """The pk:Document node with Dublin Core metadata and the event it reports."""
    d = document_iri(doc, t)
    g.add((d, t.type, t.Document))
    g.add((d, t.label, t.text(doc.title or doc.name, "zh")))
    if doc.title:
        g.add((d, t.title, t.text(doc.title, "zh")))
    if doc.date:
        g.add((d, t.date, t.typed(doc.date, XSD.date)))
    if doc.source:
        g.add((d, t.source, t.text(doc.source, "zh")))
    for author in doc.authors:
        g.add((d, t.creator, t.text(author, "zh")))
    g.add((d, t.sourceFile, t.text(doc.name)))
    if doc.content_hash:
        g.add((d, t.contentHash, t.text(doc.content_hash)))
    if doc.event:
        from graph.text.segment import reported_event

        ev = t.iri(f"{d}/event")
        g.add((d, t.about, ev))
        g.add((ev, t.type, t.Event))
        g.add((ev, t.name, t.text(doc.event, "zh")))
        g.add((ev, t.label, t.text(doc.event, "zh")))
        details = reported_event(doc.text, doc.date)
        if details is not None and details.name == doc.event:
            if details.date:
                g.add((ev, t.startDate, t.typed(details.date, XSD.date)))
            if details.venue:
                g.add((ev, t.location, t.text(details.venue, "zh")))
    return d


top_class_of = lru_cache(maxsize=1024)(top_class)  # the top-level class of an entity class, for every entity and mention


def add_entity(g: Graph, e: Entity, d, t: Terms = RDFLIB):
    """An entity typed with its most specific class, labels, aliases, codes and indicator values."""
    s = t.entity(e.key)
    g.add((s, t.type, t.pk(e.cls)))
    g.add((s, t.type, t.pk(top_class_of(e.cls))))  # the top class too, so `?x a pk:Project` works without inference
    g.add((s, t.label, t.text(e.label, "zh")))
    py = pinyin(e.label)
    if py and py != e.label:
        g.add((s, t.label, t.text(py, PINYIN_LANG)))
    for alias in sorted(set(e.aliases) - {e.label}):
        g.add((s, t.altLabel, t.text(alias, "zh")))
    if e.code:
        g.add((s, t.divisionCode, t.text(e.code)))
    if e.confidence:
        g.add((s, t.confidence, t.decimal(e.confidence)))
    g.add((s, t.inDocument, d))
    a = e.attrs or {}
    if "value" in a:
        g.add((s, t.value, t.decimal(str(a["value"]))))
    if a.get("unit"):
        g.add((s, t.unit, t.text(a["unit"])))
    if a.get("kind"):
        g.add((s, t.indicatorKind, t.text(a["kind"])))
    if a.get("year"):
        g.add((s, t.year, t.year_value(a["year"])))
    if a.get("status"):
        g.add((s, t.status, t.text(a["status"])))
    if a.get("measures"):
        g.add((s, t.measures, t.entity(a["measures"])))
    if a.get("metric"):
        g.add((s, t.name, t.text(a["metric"], "zh")))
    if a.get("upper") or a.get("qualifier") in ("以上", "以下"):  # 2-3个, 900家以上: the value is a bound
        g.add((s, t.maxValue if a.get("qualifier") == "以下" else t.minValue, t.decimal(str(a["value"]))))
        if a.get("upper"):
            g.add((s, t.maxValue, t.decimal(str(a["upper"]))))
    return s


@lru_cache(maxsize=65536)
def _short_hash(text: str, n: int) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def mention_sentence(doc: Document, m: Mention) -> Sentence | None:
    """The sentence a mention sits in: the one its index names when it holds the span, else the one at its start."""
    if 0 <= m.sentence < len(doc.sentences):
        s = doc.sentences[m.sentence]
        if s.start <= m.start < s.end:
            return s
    return doc.sentence_at(m.start)


def sentence_iri(d, s: Sentence, t: Terms = RDFLIB):
    """A sentence's IRI, from its document and its offsets: the same sentence gets the same node in every build."""
    return t.iri(f"{d}/sentence/{s.start}-{s.end}")


def add_sentence(g: Graph, d, s: Sentence, t: Terms = RDFLIB):
    """A pk:Sentence (a nif:Sentence): its text once, its offsets, its document, its section's status and year."""
    node = sentence_iri(d, s, t)
    g.add((node, t.type, t.Sentence))
    g.add((node, t.anchorOf, t.text(s.text)))
    g.add((node, t.beginIndex, t.integer(s.start)))
    g.add((node, t.endIndex, t.integer(s.end)))
    g.add((node, t.inDocument, d))
    if s.status:
        g.add((node, t.status, t.text(s.status)))
    if s.year:
        g.add((node, t.year, t.year_value(s.year)))
    return node


def add_mention(g: Graph, doc: Document, d, e, m: Mention, t: Terms = RDFLIB, counted: dict | None = None,
                top: str = ""):
    """A pk:Mention (a nif:Phrase): its surface text and span, the class and rule that found it, its confidence,
    the status and year of its clause, and a link to its sentence node (written once: see cited_sentences).
    counted: where a mention with a status and a year is noted (node -> (top class of its entity `top`, year,
    status)) for add_mention_counts."""
    node = t.iri(f"{d}/mention/{m.start}-{m.end}-{_short_hash(str(e), 6)}")
    g.add((node, t.type, t.Mention))
    g.add((node, t.mentionOf, e))
    if m.cls:
        g.add((node, t.mentionClass, t.pk(m.cls)))
    g.add((node, t.surface, t.text(m.text)))
    g.add((node, t.start, t.integer(m.start)))
    g.add((node, t.end, t.integer(m.end)))
    g.add((node, t.method, t.text(m.rule)))
    g.add((node, t.confidence, t.decimal(m.confidence)))
    sent = mention_sentence(doc, m)
    if sent:
        g.add((node, t.sentence, sentence_iri(d, sent, t)))
    status, year = _fact_context(doc, m.start, m.end)
    if status:
        g.add((node, t.status, t.text(status)))
    if year:
        g.add((node, t.year, t.year_value(year)))
    if counted is not None and status and year:
        counted[node] = (top, int(year), status)
    return node


def add_mention_counts(g: Graph, d, counted: Iterable[tuple[str, int, str]], t: Terms = RDFLIB) -> None:
    """The document's pk:MentionCount nodes: how many of its mentions name an entity of each top-level class in each
    year and status (`counted`: one (class, year, status) per mention), so that counting mentions per year and
    status reads a few nodes per document instead of every mention (the planned-vs-completed example)."""
    counts: dict[tuple[str, int, str], int] = {}
    for key in counted:
        counts[key] = counts.get(key, 0) + 1
    for (cls, year, status), n in sorted(counts.items()):
        node = t.iri(f"{d}/count/{cls}-{year}-{status}")
        g.add((node, t.type, t.MentionCount))
        g.add((node, t.inDocument, d))
        g.add((node, t.countedClass, t.pk(cls)))
        g.add((node, t.year, t.year_value(year)))
        g.add((node, t.status, t.text(status)))
        g.add((node, t.mentionCount, t.integer(n)))


def fact_iri(d, r: Relation, t: Terms = RDFLIB):
    """A deterministic IRI for one piece of evidence of a relation."""
    h = hashlib.sha1(f"{r.subject}|{r.predicate}|{r.object}|{r.start}|{r.end}".encode("utf-8")).hexdigest()[:12]
    return t.iri(f"{d}/fact/{h}")


def evidence_sentence(doc: Document, r: Relation) -> Sentence | None:
    """The sentence a relation was read from: its index, else the one at its start offset (a relation made by hand
    may give only offsets); None for a gazetteer link without one."""
    if 0 <= r.sentence < len(doc.sentences):
        return doc.sentences[r.sentence]
    return doc.sentence_at(r.start) if r.start >= 0 else None


def add_relation(g: Graph, doc: Document, d, r: Relation, t: Terms = RDFLIB):
    """The plain triple; a typed relation is also reified with its evidence (the sentence node, offsets, rule,
    confidence, status, year). Co-occurrence (pk:relatedTo) has no statement node: the sentences that mention
    both ends say where it is read. Returns the statement's IRI, or None."""
    s, p, o = t.entity(r.subject), t.pk(r.predicate), t.entity(r.object)
    g.add((s, p, o))
    if r.predicate == "relatedTo":
        return None
    f = fact_iri(d, r, t)
    g.add((f, t.type, t.Statement))
    g.add((f, t.subject, s))
    g.add((f, t.predicate, p))
    g.add((f, t.object, o))
    g.add((f, t.inDocument, d))
    g.add((f, t.wasDerivedFrom, d))
    sent = evidence_sentence(doc, r)
    if sent is not None:
        g.add((f, t.evidence, sentence_iri(d, sent, t)))
    if r.start >= 0:
        g.add((f, t.start, t.integer(r.start)))
        g.add((f, t.end, t.integer(r.end)))
    if r.rule:
        g.add((f, t.method, t.text(r.rule)))
    g.add((f, t.confidence, t.decimal(r.confidence)))
    if r.status:
        g.add((f, t.status, t.text(r.status)))
    if r.year:
        g.add((f, t.year, t.year_value(r.year)))
    return f


def cited_sentences(doc: Document, dg: DocumentGraph) -> list[Sentence]:
    """The sentences a document's mentions and typed relations cite, in document order: each gets one node."""
    cited: dict[int, Sentence] = {}
    for e in dg.entities:
        for m in e.mentions:
            sent = mention_sentence(doc, m)
            if sent is not None:
                cited[sent.index] = sent
    for r in dg.relations:
        sent = evidence_sentence(doc, r) if r.predicate != "relatedTo" else None
        if sent is not None:
            cited[sent.index] = sent
    return [cited[i] for i in sorted(cited)]


def document_graph(g: Graph, dg: DocumentGraph, entities: dict[str, Entity] | None = None) -> None:
    """Write one document's entities, mentions, sentences and relations into graph g (its named graph)."""
    doc = dg.document
    d = add_document(g, doc)
    merged = entities or {}
    counted: dict = {}
    for e in dg.entities:
        s = add_entity(g, merged.get(e.key, e), d)
        for m in e.mentions:
            add_mention(g, doc, d, s, m, counted=counted, top=top_class_of(e.cls))
    for sent in cited_sentences(doc, dg):
        add_sentence(g, d, sent)
    add_mention_counts(g, d, counted.values())
    for r in dg.relations:
        add_relation(g, doc, d, r)


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


__all__ = ["to_dataset", "union_graph", "entity_nodes", "document_id", "document_iri", "entity_iri",
           "fact_iri", "sentence_iri", "BNode"]
