"""The whole pipeline for one document and for a corpus: documents → mentions → entities → relations."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graph.extract.model import DocumentGraph, Entity, Mention
from graph.text.model import Document, DocumentError
from graph.text.read import find_documents, read_document
from graph.text.segment import document_from_text


def process_document(doc: Document) -> DocumentGraph:
    """Extract one document's entities, indicators and relations (pure: same document, same result)."""
    from graph.extract.indicators import extract_indicators
    from graph.extract.mentions import extract_mentions
    from graph.extract.relations import extract_relations, sentence_views
    from graph.extract.resolve import resolve_entities

    mentions = extract_mentions(doc)
    entities = resolve_entities(doc, mentions)
    views = sentence_views(doc, entities)  # read by both: made once
    indicators, measured = extract_indicators(doc, entities, views)
    relations = extract_relations(doc, entities, views)
    entities += indicators
    name = doc.name
    for e in entities:  # the constructor, not dataclasses.replace: this runs for every mention
        e.mentions = [m if m.doc == name else Mention(m.text, m.start, m.end, m.cls, m.rule, m.confidence, m.label,
                                                       m.sentence, name) for m in e.mentions]
    return DocumentGraph(doc, entities, relations + measured)


def merge_entities(doc_graphs: list[DocumentGraph]) -> list[Entity]:
    """One entity per key across documents (same place in two reports is one node)."""
    from graph.extract.resolve import merge_entities as merge

    return merge([dg.entities for dg in doc_graphs])


@dataclass
class Corpus:
    """The extracted corpus: per-document graphs, merged entities, and what could not be read."""

    documents: list[DocumentGraph] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def entities(self) -> list[Entity]:
        return merge_entities(self.documents)

    def summary(self) -> dict:
        """Counts an analyst checks first: documents, entities per class, relations per predicate, warnings."""
        relations = Counter(r.predicate for dg in self.documents for r in dg.relations)
        return corpus_summary(len(self.documents), self.entities, relations, self.errors)


def corpus_summary(documents: int, entities: list[Entity], relations: Counter, warnings: Iterable[str]) -> dict:
    """The summary of a corpus from its counts, shared by in-memory corpora and streamed builds."""
    return {
        "documents": documents,
        "entities": len(entities),
        "entities_per_class": dict(sorted(Counter(e.type for e in entities).items())),
        "entities_per_subclass": dict(sorted(Counter(e.cls for e in entities).items())),
        "relations": sum(relations.values()),
        "relations_per_predicate": dict(sorted(relations.items())),
        "warnings": list(warnings),
    }


def extract_corpus(paths: Iterable[str | Path], *, max_bytes: int | None = None,
                   progress: Callable[[Path, Document | None], None] | None = None) -> Corpus:
    """Read and extract every document; unreadable ones become warnings, the rest are still built."""
    corpus = Corpus()
    kwargs = {"max_bytes": max_bytes} if max_bytes else {}
    for p in find_documents(paths):
        try:
            doc = read_document(p, **kwargs)
        except DocumentError as exc:
            corpus.errors.append(str(exc))
            if progress:
                progress(Path(p), None)
            continue
        corpus.documents.append(process_document(doc))
        if progress:
            progress(Path(p), doc)
    return corpus


def extract_texts(texts: dict[str, str] | Iterable[str]) -> Corpus:
    """Extract from in-memory texts ({name: text} or a list), for notebooks and tests."""
    items = texts.items() if isinstance(texts, dict) else ((f"text-{i + 1}.txt", t) for i, t in enumerate(texts))
    return Corpus(documents=[process_document(document_from_text(t, name)) for name, t in items])


def entity_record(e: Entity, doc: Document | None = None) -> dict:
    """The stable JSON shape of an entity in `policykg extract --format json` (accuracy is measured on it)."""
    def sentence(m) -> str:
        return doc.sentences[m.sentence].text if doc is not None and 0 <= m.sentence < len(doc.sentences) else ""

    return {
        "label": e.label,
        "type": e.type,
        "class": e.cls,
        "aliases": sorted(set(e.aliases) - {e.label}),
        "key": e.key,
        "code": e.code,
        "confidence": round(e.confidence, 3),
        "mentions": [{"text": m.text, "start": m.start, "end": m.end, "sentence": sentence(m),
                      "sentence_index": m.sentence, "rule": m.rule, "confidence": round(m.confidence, 3)}
                     for m in e.mentions],
        **({"attrs": e.attrs} if e.attrs else {}),
    }


def document_record(dg: DocumentGraph) -> dict:
    """One document's entities and relations, relations named by entity labels."""
    labels = {e.key: e.label for e in dg.entities}
    doc = dg.document
    return {
        "doc": doc.name,
        "title": doc.title,
        "date": doc.date,
        # entities the document names; inferred ones (a place's province from the gazetteer) are in the graph only
        "entities": [entity_record(e, doc) for e in dg.entities if e.mentions],
        "relations": [{"subject": labels.get(r.subject, r.subject), "predicate": r.predicate,
                       "object": labels.get(r.object, r.object), "evidence": r.evidence,
                       "confidence": round(r.confidence, 3), "status": r.status, "year": r.year,
                       "rule": r.rule, **({"count": r.count} if r.predicate == "relatedTo" else {})}
                      for r in dg.relations],
    }
