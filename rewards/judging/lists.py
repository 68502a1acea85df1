"""Lists of bare candidates in a response ("Sydney, Melbourne, Canberra, Perth.", bullets,
"Seoul/Busan", 要么是巴黎，要么是里昂): offering every candidate is not committing to one."""

from __future__ import annotations

import re

__all__ = ["listed_items"]

_ITEM_SPLIT_RE = re.compile(r"\s*(?:,|，|、|;|；|\bor\b)\s*")
#: Separators that set two candidates side by side ("Paris | Lyon", "Paris vs Lyon", "Paris > Lyon").
_PAIR_SPLIT_RE = re.compile(r"\s*(?:/|\||>|→|\bvs\.?|\bversus\b)\s*")
_SHARE_RE = re.compile(r"\(?\d+(?:\.\d+)?\s*%\)?")
_SENTENCE_RE = re.compile(r"[.!?。！？\n]+")
_BULLET_RE = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+(.+)$", re.MULTILINE)
_BARE_ITEM_RE = re.compile(r"^(?:[A-Z][\w'\u2019-]*(?:\s+[\w'\u2019-]+){0,3}"
                           r"|[a-z][\w'\u2019-]*(?:\s+[a-z][\w'\u2019-]*)?|\d[\d,.]*|[\u4e00-\u9fff]{1,8})$")
#: Two candidates set side by side in words: "split between Sydney and Canberra", "Au and/or Ag".
_NAME = (r"(?:[A-Z][\w'\u2019-]*(?:\s+(?:(?:de|da|di|van|von|der|la|le|du|of|bin)\s+)?[A-Z][\w'\u2019-]*){0,3}"
         r"|\d[\d,.]*)")
_BETWEEN_RE = re.compile(rf"\bbetween\s+({_NAME})\s+and\s+({_NAME})\b|\b({_NAME})\s+and\s*/\s*or\s+({_NAME})\b")
_LIST_STOPWORDS = frozenset("it is was the a an and or but not to of in on at this that these very so".split())
#: What every split of _ITEM_SPLIT_RE and _PAIR_SPLIT_RE holds (a text without any has nothing to split).
_ITEM_SEPARATORS = (",", "，", "、", ";", "；", "or")
_PAIR_SEPARATORS = ("/", "|", ">", "→", "vs", "versus")


def _may_pair(text: str) -> bool:
    """Whether ``text`` holds a separator :data:`_PAIR_SPLIT_RE` could split at."""
    return any(sep in text for sep in _PAIR_SEPARATORS)


def listed_items(response: str) -> list[list[str]]:
    """The lists of bare candidates in ``response``: three or more in a sentence, or bullets.

    >>> listed_items("Sydney, Melbourne, Canberra, Perth.")
    [['Sydney', 'Melbourne', 'Canberra', 'Perth']]
    >>> listed_items("Paris, France."), listed_items("Seoul/Busan")
    ([], [['Seoul', 'Busan']])
    """
    between = [[a or c, b or d] for a, b, c, d in _BETWEEN_RE.findall(response)] if " and" in response else []
    if response.count(",") + response.count("，") + response.count("、") < 2 and "\n" not in response \
            and "要么" not in response and _PAIR_SPLIT_RE.search(response) is None:
        return between
    if "%" in response:
        response = _SHARE_RE.sub("", response)  # "Paris 60% / Lyon 40%"
    response = response.replace(" vs. ", " vs ")  # "vs." ends no sentence
    pairs = _may_pair(response)
    lists = []
    for sentence in _SENTENCE_RE.split(response):
        # three items need two separators: fewer, and the split cannot make a list
        items = [i.strip(" '\"*-") for i in _ITEM_SPLIT_RE.split(sentence.strip())] if sum(
            map(sentence.count, _ITEM_SEPARATORS)) >= 2 else ()
        items = [i for i in items if i]
        if len(items) >= 3 and all(_BARE_ITEM_RE.match(i) and not _LIST_STOPWORDS & set(i.lower().split())
                                   for i in items):
            lists.append(items)
        either = re.findall(r"要么(?:是)?([\u4e00-\u9fff]{1,8})", sentence) if "要么" in sentence else ()
        if len(either) >= 2:  # 要么是巴黎，要么是里昂
            lists.append(either)
        if not pairs:
            continue
        labelled = sentence.rsplit(":", 1)[-1].strip()  # "Sources differ: Sydney vs Canberra"
        slashed = [i.strip(" '\"*") for i in _PAIR_SPLIT_RE.split(labelled)]
        if len(slashed) >= 2 and all(_BARE_ITEM_RE.match(i) and not i[:1].isdigit() for i in slashed):
            lists.append(slashed)  # "Seoul/Busan", "Paris | Lyon", "Paris vs Lyon"
    lists += between
    bullets = [b.strip() for b in _BULLET_RE.findall(response)] if "\n" in response else ()  # two lines, or one
    if len(bullets) >= 2 and all(_BARE_ITEM_RE.match(b) for b in bullets):
        lists.append(bullets)
    return lists
