"""Plain records that flow between the pipeline stages: documents → mentions → entities → relations."""
from __future__ import annotations

from dataclasses import dataclass, field

STATUSES = ("completed", "ongoing", "planned")


@dataclass(frozen=True)
class Sentence:
    """A sentence with the section context it sits in, so facts inherit year and status."""

    index: int
    start: int
    end: int
    text: str
    section: str = ""
    year: int | None = None
    status: str | None = None


@dataclass
class Document:
    """One normalised source text and what we know about it."""

    name: str
    text: str
    sentences: list[Sentence] = field(default_factory=list)
    title: str = ""
    date: str | None = None
    source: str = ""
    authors: list[str] = field(default_factory=list)
    event: str = ""
    path: str = ""
    content_hash: str = ""
    encoding: str = "utf-8"

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence containing a character offset, so any span can cite its evidence."""
        lo, hi = 0, len(self.sentences) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if offset < s.start:
                hi = mid - 1
            elif offset >= s.end:
                lo = mid + 1
            else:
                return s
        return None


@dataclass(frozen=True)
class Mention:
    """A typed span of a document found by one rule; `label` is its canonical form (quotes stripped, tail kept)."""

    text: str
    start: int
    end: int
    cls: str
    rule: str
    confidence: float
    label: str = ""
    sentence: int = -1
    doc: str = ""  # the name of the document it was read from (set by graph.pipeline.process_document)

    @property
    def canonical(self) -> str:
        return self.label or self.text


@dataclass
class Entity:
    """A resolved real-world thing: one node of the graph with all the mentions that name it."""

    key: str
    label: str
    cls: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    confidence: float = 0.0
    code: str | None = None
    attrs: dict = field(default_factory=dict)
    docs: list[str] = field(default_factory=list)

    @property
    def type(self) -> str:
        """The top-level class (Place, Agency, …) that scoring and colouring use."""
        from ontology import top_class

        return top_class(self.cls)


@dataclass
class Relation:
    """A typed link between two entity keys, with the sentence it was read from."""

    subject: str
    predicate: str
    object: str
    doc: str = ""
    sentence: int = -1
    evidence: str = ""
    start: int = -1
    end: int = -1
    rule: str = ""
    confidence: float = 0.0
    status: str | None = None
    year: int | None = None
    count: int = 1


@dataclass
class DocumentGraph:
    """Everything extracted from one document: the unit that is cached, merged and written."""

    document: Document
    entities: list[Entity]
    relations: list[Relation]
