"""Plain records that flow between the extraction steps: mentions → entities → relations, per document."""
from __future__ import annotations

from dataclasses import dataclass, field

from graph.text.model import Document


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
    doc: str = ""  # the name of the document it was read from (set by graph.extract.pipeline.process_document)

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
