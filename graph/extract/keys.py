"""Stable ASCII keys for names: pinyin slugs with a short hash, the part of an entity's key that is not a
division code. Extraction makes keys; the RDF stage turns them into IRIs."""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache


@lru_cache(maxsize=65536)
def slug(text: str, limit: int = 40) -> str:
    """A stable ASCII slug: pinyin for Chinese, plus a short hash so homophones never collide."""
    ascii_part = _romanised(text, limit)[:limit].strip("-")
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]
    return f"{ascii_part}-{digest}" if ascii_part else digest


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _ascii(text: str) -> str:
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


@lru_cache(maxsize=1)
def _han_runs() -> re.Pattern:
    """pypinyin's own Chinese-character ranges, as a pattern that finds runs of them."""
    from pypinyin.constants import RE_HANS

    return re.compile(RE_HANS.pattern.removeprefix("^").removesuffix("$"))


def _romanised(text: str, limit: int) -> str:
    """The pinyin of text, lower-case, other characters as dashes, romanised run by run until `limit` characters
    are known: pinyin is the slow part, and an indicator's key text (document:offset:label) is mostly cut off.
    pypinyin reads each run of Chinese characters on its own, so the known part equals that of the whole text."""
    done, pos = "", 0
    for run in _han_runs().finditer(text):
        done += text[pos:run.start()]
        if len(_ascii(done)) > limit:
            return _ascii(done)
        done += "".join("".join(_word_syllables(w)) for w in _pinyin_words(run.group()))
        pos = run.end()
    return _ascii(done + text[pos:])


def _pinyin_words(text: str) -> list[str]:
    """The words pypinyin's lazy_pinyin splits a text into (its own segmenter, with its phrase dictionary)."""
    from pypinyin.seg.simpleseg import seg

    return seg(text)


@lru_cache(maxsize=65536)
def _word_syllables(word: str) -> tuple[str, ...]:
    """lazy_pinyin of one of its words, cached: names share words (产业, 园区, 建设), and each call costs ~70 µs."""
    from pypinyin import lazy_pinyin

    return tuple(lazy_pinyin(word))


@lru_cache(maxsize=65536)
def pinyin(label: str) -> str:
    """A label's pinyin, syllables apart: lazy_pinyin(label) joined, from pypinyin's words one at a time."""
    return " ".join(" ".join(_word_syllables(w)) for w in _pinyin_words(label))
