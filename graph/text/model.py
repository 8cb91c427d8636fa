"""Plain records of the text stage: a normalised document and its sentences with their section context."""
from __future__ import annotations

from dataclasses import dataclass, field


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


class DocumentError(ValueError):
    """A document that cannot be read as text; the message names the file and the problem."""
