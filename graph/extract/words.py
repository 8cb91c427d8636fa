"""Dictionary words of a sentence and their part-of-speech tags (jieba's dictionary, no HMM guessing): what every
rule of extraction, the own-place reader and the relation patterns read."""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial
from itertools import accumulate


@lru_cache(maxsize=1)
def _word_splitter() -> Callable[[str], list[str]]:
    """jieba's dictionary segmentation without HMM. rjieba (jieba-rs, the same dictionary and algorithm in Rust)
    gives the same words about 15x faster (tests/test_extract.py compares the two); jieba itself where rjieba
    has no wheel."""
    try:
        import rjieba

        return partial(rjieba.cut, hmm=False)
    except ImportError:
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        return partial(jieba.lcut, HMM=False)


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    """Dictionary words (no HMM guessing, so unknown names stay single characters) with offsets; cached because
    every rule reads the same sentence."""
    words = _word_splitter()(text)
    if "长" not in text:  # the common case, without a Python loop over the words
        ends = list(accumulate(map(len, words)))
        return tuple(zip(words, [0, *ends[:-1]], ends))
    out, pos = [], 0
    for w in words:
        if len(w) == 3 and w[0] == w[1] and w[2] in "长":
            out.append((w[0], pos, pos + 1))  # 局局长, 处处长: the body's name ends before its head's title
            pos += 1
            w = w[1:]
        out.append((w, pos, pos + len(w)))
        pos += len(w)
    return tuple(out)


def word_tag(word: str) -> str | None:
    """jieba's dictionary part-of-speech for a word, None for words it does not know."""
    return (_TAGS or _load_tags()).get(word)


_TAGS: dict[str, str] = {}
# Words jieba's dictionary counts 1,000 times or more: common words (智慧, 阳光, 联想), never a bare brand on their own.
COMMON_FREQ = 1000
_COMMON: set[str] = set()


def _load_tags() -> dict[str, str]:
    """jieba's dictionary part-of-speech tags, read from its dictionary file (no prefix dictionary is built) into
    a module global, because every rule asks it for every word; and its common words."""
    import jieba

    jieba.setLogLevel(60)
    with jieba.dt.get_dict_file() as fh:
        for parts in (line.decode("utf-8").split() for line in fh):
            if len(parts) == 3:
                _TAGS[parts[0]] = parts[2]
                if int(parts[1]) >= COMMON_FREQ:
                    _COMMON.add(parts[0])
    return _TAGS


def is_common_word(word: str) -> bool:
    """A word jieba's dictionary counts often (see COMMON_FREQ)."""
    if not _TAGS:
        _load_tags()
    return word in _COMMON
