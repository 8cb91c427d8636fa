"""The generic lexicons of Chinese policy language shipped in data/lexicons, loaded once."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Suffix:
    """A name suffix (镇, 经开区, 工作制度 …) and the class and confidence it gives the name it ends."""

    text: str
    cls: str
    confidence: float
    weak: bool = False
    admin: bool = False


def _lines(name: str) -> list[str]:
    text = resources.files("data").joinpath("lexicons", name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def suffixes() -> dict[str, Suffix]:
    """Suffix text → Suffix, from suffixes.tsv."""
    out = {}
    for ln in _lines("suffixes.tsv"):
        parts = ln.split("\t")
        flags = set(parts[3].split()) if len(parts) > 3 else set()
        out[parts[0]] = Suffix(parts[0], parts[1], float(parts[2]), "weak" in flags, "admin" in flags)
    return out


@lru_cache(maxsize=1)
def named_bodies() -> dict[str, str]:
    """Bare names of national institution types (人大, 政协, 工会 …) → class."""
    return dict(ln.split("\t")[:2] for ln in _lines("agencies.tsv"))


@lru_cache(maxsize=1)
def national_enterprises() -> dict[str, str]:
    """Short names of the central state-owned enterprises and state banks (中储粮, 国家电网, 建行 …) → class."""
    return dict(ln.split("\t")[:2] for ln in _lines("enterprises.tsv"))


@lru_cache(maxsize=1)
def policy_terms() -> dict[str, str]:
    """National policy vocabulary (乡村振兴, 一网通办 …) → class."""
    return dict(ln.split("\t")[:2] for ln in _lines("initiatives.tsv"))


@lru_cache(maxsize=1)
def boundary_words() -> frozenset[str]:
    """Words a name never starts with: the verbs, prepositions and scope words in front of names."""
    return frozenset(w for ln in _lines("boundaries.txt") for w in ln.split())


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    """Generic nouns that are never a name on their own (全区, 项目, 重点项目 …)."""
    return frozenset(w for ln in _lines("generic.txt") for w in ln.split())
