"""A small grammar of declining to answer, rejecting a question's premise, and voicing doubt.

People and models decline in a few shapes, not in a list of fixed phrases:

- a first-person (or model) subject with a negated verb of knowing, being sure, having
  information or being able: "I don't know", "I'm not sure", "I do not have reliable
  information on that", "As a language model I am not equipped to answer", "I can't
  confirm it"; the same without the subject ("Not sure.", "No idea.");
- the limit of one's knowledge: "beyond my knowledge", "my training data does not cover it";
- an impersonal statement that the answer is not known: "It is unclear", "No one knows",
  "There is no reliable information", "It cannot be determined";
- a refusal to guess: "I'd rather not speculate";
- in Chinese, with Traditional characters already folded to Simplified: 我 + a negation
  (不, 没有, 无法, 不能 ...) + a verb of knowing or answering (知道, 确定, 清楚, 回答 ...),
  the same without 我 (不知道, 无法回答), 超出了我的知识范围, 没有相关信息.

A *premise rejection* says the question's subject does not exist or its premise is false
("It's fictional.", "There is no such country.", "He never won a second prize.", 不存在).
A *hedge* voices doubt ("I think", "probably", "可能").

Every pattern runs on text folded by :func:`rewards.text.fold` (lower case, straight
apostrophes, Simplified Chinese); an apostrophe is optional wherever one may stand, since
people drop them ("dont", "im").
"""

from __future__ import annotations

import re
from typing import Iterable


def _apostrophe_optional(pattern: str) -> str:
    """Let "don't" also match "dont" (and "i'm" match "im")."""
    return pattern.replace("'?", "'").replace("'", "'?")


# --- English declines ------------------------------------------------------------------------
_ADV = r"(?:(?:really|honestly|actually|simply|genuinely|truly|unfortunately|currently|personally|just|still|even|" \
       r"fully|quite|afraid|sorry|so|reliably|accurately|confidently|definitively|precisely|correctly|completely|" \
       r"entirely|totally|absolutely|100%)\s+)*"
_SUBJECT = r"(?:i|we|this\s+(?:assistant|model|ai)|the\s+model|my\s+(?:system|model))"
_NEGATED = (
    r"(?:do\s+not|don't|did\s+not|didn't|does\s+not|doesn't|can\s*not|can't|could\s+not|couldn't|will\s+not|won't|"
    r"would\s+not|wouldn't|am\s+not\s+able\s+to|am\s+unable\s+to|am\s+not\s+in\s+a\s+position\s+to|"
    r"have\s+no\s+way\s+(?:to|of)|lack\s+the\s+ability\s+to|am\s+not\s+equipped\s+to|have\s+not\s+been\s+able\s+to)"
)
_KNOWING = (
    r"(?:know|recall|remember|say|tell|answer|determine|provide|give|confirm|verify|identify|find|access|help|"
    rf"comment|speculate|guess|offer|share|pinpoint|specify|name|be\s+{_ADV}(?:sure|certain)|browse|look\s+up)"
)
_INFO = (r"(?:information|info|data|knowledge|details?|answers?|idea|clue|access|records?|facts?|sources?|evidence"
         r"|context|capabilit(?:y|ies)|ability|means)")
_HAVE_INFO = rf"(?:have|possess|hold)\s+(?:(?:any|an|a|the|enough|sufficient|reliable|accurate|specific|much|current|" \
             rf"up-to-date|" \
             rf"real-time|verified|definitive|concrete|clear|that|this|such|access\s+to)\s+)*(?:[\w-]+\s+)?{_INFO}"
_STATE = r"(?:sure|certain|aware|familiar|confident|equipped|able|qualified|knowledgeable|positive|in\s+a\s+position)"
_EN_DECLINE = rf"""
    \b{_SUBJECT}\s+{_ADV}{_NEGATED}\s+{_ADV}(?:{_KNOWING}|{_HAVE_INFO})
  | \b(?:i'm|i\s+am|we're|we\s+are)\s+{_ADV}(?:not\s+{_ADV}{_STATE}|unsure|uncertain|unaware|unable|unfamiliar)
  | \b{_SUBJECT}\s+{_ADV}(?:have|had|possess|hold)\s+(?:no|not\s+enough|insufficient|limited|little)\s+
        (?:[\w-]+\s+){{0,2}}?{_INFO}
  | \b(?:i|we)\s+lack\s+(?:the\s+|any\s+|enough\s+|sufficient\s+|reliable\s+)*(?:[\w-]+\s+)?
        (?:{_INFO}|ability|confidence|certainty)
  | \b(?:beyond|outside(?:\s+of)?|not\s+(?:in|within|part\s+of))\s+(?:my|the\s+scope\s+of\s+my)\s+
        (?:[\w-]+\s+(?:of\s+)?)?(?:knowledge|expertise|training|data|information|capabilities|scope)
  | \bmy\s+(?:knowledge|training(?:\s+data)?|data|information)\s+(?:[\w-]+\s+)?(?:does\s+not|doesn't|did\s+not|
        didn't)\s+(?:cover|include|extend|contain|go)
  | \b(?:don't|do\s+not)\s+know\b | \bidk\b | \bdunno\b | \bno\s+idea\b | \bno\s+clue\b | \bnot\s+a\s+clue\b
  | ^\s*(?:not\s+(?:\w+\s+)?(?:sure|certain)|unsure|uncertain|unknown|who\s+knows|beats\s+me|can't\s+say)\b
  | \bnot\s+(?:entirely|completely|totally|really|quite|100%)\s+(?:sure|certain)\b
  | \b(?:no\s*one|nobody)\s+(?:really\s+)?knows\b | \bwish\s+i\s+knew\b | \bnever\s+heard\s+of\b
  | \b(?:is|are|remains?|was)\s+(?:currently\s+|still\s+|simply\s+)?(?:unknown|not\s+known|unclear|uncertain|
        undetermined|a\s+mystery|not\s+(?:clear|available|documented|recorded))\b(?!\s+(?:for|as|to\s+(?:have|be))\b)
  | \bmystery\s+to\s+me\b | \b(?:it's|it\s+is)\s+not\s+clear\b
  | \bcan(?:'t|not|\s+not)\s+be\s+(?:determined|answered|known|verified|confirmed)\b
  | \b(?:impossible|hard|difficult)\s+(?:for\s+me\s+)?to\s+(?:say|tell|know|determine|answer|verify|give|provide|
        pinpoint|name|specify)\b
  | \bthere(?:'s|\s+is|\s+are)\s+no\s+(?:reliable\s+|available\s+|known\s+|definitive\s+|clear\s+|verified\s+|
        such\s+|official\s+|public\s+)*(?:answer|information|data|records?|evidence|consensus|way\s+to\s+(?:know|tell))
  | \bno\s+(?:reliable\s+|available\s+|specific\s+|verified\s+)?(?:information|data|records?)\s+(?:is\s+|are\s+)?
        (?:available|exists?|about|on|regarding)
  | \b(?:rather\s+not|prefer\s+not\s+to|refuse\s+to|decline\s+to|won't|will\s+not)\s+(?:\w+\s+)?
        (?:answer|say|guess|speculate|comment)\b
  | \b(?:can't|cannot)\s+guess\b | \bnot\s+in\s+a\s+position\s+to\b
  | \b(?:i'll|i\s+will|i\s+must|i'd|i\s+would|i\s+should)\s+(?:\w+\s+)?refrain\b
  | \b(?:need|have|would\s+have)\s+to\s+(?:look\s+(?:it|that|this)\s+up|check|verify|research)\b
  | \bdraw(?:ing|n)?\s+a\s+blank\b | \bmy\s+mind\s+(?:is|goes|went)\s+blank\b | \bno\s+recollection\b
  | \b(?:is|are|was|were)\s+not\s+(?:explicitly\s+|specifically\s+|clearly\s+)?(?:mentioned|stated|provided|given|
        specified)\s+(?:in|by)\b | \banswer\s+(?:to\s+this\s+question\s+)?is\s+not\s+(?:provided|given|available)\b
  | \b(?:beyond|outside(?:\s+of)?)\s+what\s+(?:i|we)\s+(?:can|could|am\s+able\s+to|know)\b
  | \b(?:it|that|this|the\s+(?:answer|name|year))\s+escapes\s+me\b
  | \b(?:haven't|have\s+not|hasn't)\s+got\s+(?:a|any|the\s+(?:slightest|faintest))\s+(?:clue|idea)\b
  | \b(?:i'll|i\s+will|i'd|i\s+would|let\s+me|i\s+have\s+to|i\s+must)\s+(?:\w+\s+)?pass\b
  | \b(?:don't|do\s+not|would\s+not|wouldn't)\s+want\s+to\s+(?:give|risk|guess|mislead|provide|make)
  | \bnot\s+(?:something|a\s+\w+)\s+(?:that\s+)?(?:i|we)\s+(?:know|can\s+answer|recogni[sz]e|am\s+familiar\s+with)
"""

# --- Chinese declines (on Simplified text) ------------------------------------------------------
_ZH_NEG = r"(?:不|没有|没|无法|不能|不太|不是很|无从|并不|并没有|不大|没法|没办法|难以)"
_ZH_KNOW = (r"(?:知道|清楚|确定|了解|记得|晓得|掌握|肯定|熟悉|回答|答复|提供|确认|判断|得知|给出|知晓|懂"
            r"|能回答|能确定|能提供)")
_ZH_DECLINE = (
    rf"我们?(?:也|真的|实在|确实|恐怕|还|就|其实|目前|暂时|并)*{_ZH_NEG}(?:太|很|是很|能|会|敢)?{_ZH_KNOW}"
    rf"|{_ZH_NEG}{_ZH_KNOW}|说不准|说不上来|不得而知|无从得知|没人知道|无人知道|无人知晓|没有人知道|无可奉告|不予回答"
    r"|超出(?:了)?(?:我的)?(?:知识|认知|能力)|我的知识(?:范围|库)?(?:里|中|内)?(?:没有|不包括|不涉及)"
    r"|不便(?:回答|作答|透露|评论)|不方便回答|不予置评"
    r"|没有(?:找到)?(?:任何)?(?:相关的?|关于.{0,20}?的?|这方面的?|足够的?|可靠的?|确切的?)(?:信息|资料|数据|记录|答案)"
    r"|找不到|没有找到|未知|暂无|不详"
    r"|我(?:手头|手上|这里|这边|目前)?(?:也|暂时|并)?没有(?:这个|这方面的?|相关的?|关于.{0,20}?的?)(?:信息|资料|数据|答案)"
    # a potential complement: 回答不了, 答不上来, 记不清, 想不起来, 说不准
    r"|(?:回答|答|说|记|想|确定|判断|认)不(?:了|上来|出来|清|准|得|起来)"
    r"|我(?:也|真的|实在)?不会$|一无所知|毫无头绪|没(?:有)?(?:把握|头绪|概念|印象|听说过|听过)|(?:就|还是|我)?不(?:回答|作答)了?"
)

# --- Premise rejections -------------------------------------------------------------------------
_THING = (r"(?:country|nation|state|element|city|capital|place|person|people|book|novel|treaty|record|event|war|"
          r"battle|company|planet|film|movie|song|painting|island|river|language|king|queen|president|prize|award)")
_EN_PREMISE = rf"""
    \b(?:fictional|fictitious|imaginary|made[-\s]up(?!\s+of)|hypothetical|non-?existent|mythical|
        mythological|folkloric)\b
  | \blegendary\s+(?:island|city|kingdom|land|place|country|continent|creature|realm|empire)\b
  | \brealm\s+of\s+(?:mythology|myth|legend|fiction|fantasy)\b | \b(?:a|an)\s+myth\b
  | \b(?:island|city|kingdom|land|place|country|continent|creature|realm|empire)\s+of\s+(?:legend|myth|folklore)\b
  | (?<!i\s)(?<!we\s)\b(?:does|do|did)\s*(?:n't|\s+not)\s+(?:actually\s+|really\s+|(?:appear|seem)\s+to\s+)?
        (?:exist|have\s+(?:a|an|any)\s+\w+)
  | \bno\s+such\s+\w+ | \bnot\s+(?:a\s+(?:real|recogni[sz]ed|existing|actual)|real)\s+\w+
  | \b(?:is|are|was|were)\s*(?:n't|\s+not)\s+(?:a\s+(?:real|recogni[sz]ed|existing|actual)|real|existing)\b
  | \bthere\s+(?:(?:is|are|was|were|'s)\s+(?:no|not\s+(?:a|an|any))|(?:isn't|aren't|wasn't|weren't)\s+(?:a|an|any))
        \s+(?:such\s+|known\s+|official\s+|real\s+|
        recorded\s+|second\s+)?(?:[a-z]+\s+)?{_THING}
  | \b(?:never|did\s*n't|did\s+not)\s+(?:actually\s+)?(?:existed|exist|happened|happen|occurred|occur|
        took\s+place|take\s+place)\b
  | \b(?:false|incorrect|wrong|mistaken|flawed)\s+(?:premise|assumption)\b
  | \bpremise\s+(?:is|seems|of\s+the\s+question\s+is)\s+(?:false|incorrect|wrong|mistaken|flawed)\b
  | \b(?:question|premise)\s+(?:itself\s+)?(?:has|contains|is\s+based\s+on|rests\s+on)\s+(?:a\s+|an\s+)?
        (?:logical\s+|factual\s+|historical\s+)?(?:inconsistency|contradiction|misconception|false\s+premise|flaw)
  | \bquestion\s+(?:itself\s+)?(?:is|seems|appears)\s+(?:to\s+be\s+)?(?:logically\s+)?(?:flawed|inconsistent|
        nonsensical|contradictory|self-contradictory|based\s+on\s+a\s+(?:false|mistaken|wrong))
  | \b(?:only\s+(?:ever\s+)?(?:won|had|received|wrote|got|held)\s+(?:one|a\s+single|once)|never\s+won)\b
  | \b(?:has|have|had)\s+never\s+(?:had|been|existed|held|won)\b | \bnever\s+(?:had|existed|held)\s+(?:a|an|any)\b
  | \b(?:has|have|had)\s+no\s+(?:official\s+|known\s+)?(?:capital|atomic\s+number|symbol|king|queen|monarch|
        emperor|president|moons?|ruler)\b
  | \b(?:won|had|received|wrote|got|held|has|have|there\s+(?:is|was|are|were))\s+only\s+(?:ever\s+)?
        (?:one|a\s+single|once|two|three)\b
  | \b(?:no\s*one|nobody)\b(?!\s+(?:else|other|knows|really\s+knows|can\s+(?:say|tell|know))\b)
  | \bno\s+(?!idea|clue|doubt|one\s+knows)[a-z]+(?:\s+\w+){{0,4}}?\s+(?:has|have|had|ever|was|is|exists?)\b
  | ^(?:he|she|it|they)\s+(?:did\s*n't|did\s+not|never\s+did|was\s*n't|was\s+not)$
  | \bthere\s+(?:has|have|had)\s+(?:not|never)\s+been\b
  | \b(?:was|were|got|been)\s+(?:cancell?ed|called\s+off|never\s+held|not\s+held|abandoned)\b
  | \bnever\s+(?:actually\s+|ever\s+)?(?:[a-z]+ed|wrote|won|went|made|built|did|had|was|were|became|took|ran|led|
        saw|gave|came|began|fought|held|set\s+foot|flew|drew|sang|found|met|lost|ruled|reached)\b
"""
_ZH_PREMISE = (r"^(?:它|这|该\S{0,4})?(?:并|也|根本)?没有|不存在|并不存在|"
               r"虚构|杜撰|编造|传说中的|神话中的|没有这样的|没有这个(?!信息|资料|数据|答案)|没有这种|前提(?:是)?(?:错误|不成立|有误|不对)"
               r"|从未|从来没有|并没有发生|只(?:获得|得过|赢得|拿过)过?一次"
               r"|[\u4e00-\u9fff](?:并|根本)(?:没有|未曾|未)(?!相关|关于|这方面|任何|足够|可靠|确切|信息|资料|数据|答案)"
               r"|问题(?:本身)?(?:有|存在)(?:逻辑)?(?:错误|矛盾|漏洞)|问题(?:本身)?(?:自相矛盾|不成立)"
               r"|^[\u4e00-\u9fff]{1,6}(?:上|里|中)?(?:并|也|根本)?没有(?:国家|首都|人|城市|任何)")

# --- Commitments and hedges ----------------------------------------------------------------------
_EN_COMMIT = r"""
    \b(?:i\s+(?:think|believe|guess|suppose|suspect|reckon|recall)|i'd\s+(?:say|guess)|i\s+would\s+(?:say|guess)
       |my\s+(?:best\s+)?guess|best\s+guess|probably|perhaps|maybe|possibly|likely|presumably
       |(?:might|may|could|should|would|must)\s+(?:have\s+)?be(?:en)?|(?:it's|it\s+is|it\s+was)(?!\s+an?\s)|that\s+(?:is|would\s+be)
       |the\s+answer\s+(?:is|would\s+be|might\s+be)|the\s+(?:capital|answer|number|symbol)\s+(?:of\s+[\w\s-]{1,60}?\s+)?is
       |if\s+i\s+(?:had\s+to|were\s+to)\s+guess|as\s+far\s+as\s+i\s+know|if\s+i\s+recall)\b
  | \bthe\s+[\w-]+(?:\s+of\s+[\w\s-]{1,60}?)?\s+(?:is|was|would\s+be)\s+\w
  | ^\s*(?!(?:it|this|that|there|i|he|she|they|we|you|which|what|who|as|so|and|but|the)\b)[\w'-]+(?:\s+[\w'-]+){0,2}
        \s+(?:is|was|are|were|would\s+be)\s+(?:the|my|a|an|likely|probably|possibly|its|their|his|her)\b
"""
_ZH_COMMIT = r"我认为|我觉得|我猜|可能是|也许是|大概是|应该是|或许是|估计是|答案是|首都是|是"
_HEDGE_EN = r"""\b(?:not\s+(?:\w+\s+)?(?:sure|certain)|unsure|uncertain
       |i\s+(?:think|believe|guess|suppose|suspect|reckon)
       |probably|perhaps|maybe|possibly|likely|might|may\s+be|could\s+be|my\s+(?:best\s+)?guess|if\s+i\s+recall
       |as\s+far\s+as\s+i\s+know|i'd\s+say|i\s+would\s+say|don't\s+know|do\s+not\s+know|no\s+idea|not\s+100%
       |(?:pretty|fairly|reasonably)\s+(?:sure|certain|confident)|if\s+i'm\s+not\s+mistaken|if\s+memory\s+serves
       |i'm\s+guessing|seems?|i'd\s+guess|i\s+would\s+guess|i\s+guess|give\s+or\s+take|or\s+thereabouts)\b"""
_HEDGE_ZH = r"不确定|可能|也许|大概|或许|我认为|我觉得|估计|应该是|不知道|好像|似乎"

DECLINE_RE = re.compile(_apostrophe_optional(_EN_DECLINE) + "|" + _ZH_DECLINE, re.VERBOSE)
PREMISE_RE = re.compile(_apostrophe_optional(_EN_PREMISE) + "|" + _ZH_PREMISE, re.VERBOSE)
COMMIT_RE = re.compile(_apostrophe_optional(_EN_COMMIT) + "|" + _ZH_COMMIT, re.VERBOSE)
WORLD_UNKNOWN_RE = re.compile(
    r"\b(?:is|are|was|were|remains?|has\s+been)\s+(?:currently\s+|still\s+|largely\s+|simply\s+)?"
    r"(?:unknown|not\s+known)\b(?!\s+(?:to\s+(?:me|us|this|have|be)|for|as)\b)"
    r"|\b(?:no\s*one|nobody)\s+(?:really\s+|actually\s+|truly\s+)?knows\b"
    r"|\bthere(?:'s|\s+is)\s+no\s+(?:specific|definitive|definite|clear|exact|single|precise|certain)\s+answer\b"
    r"|无人知晓|无人知道|没人知道|没有人知道|没有(?:确切|明确|标准|准确|唯一)的?答案|至今(?:仍)?(?:是个?谜|不明|未知)")
#: A clause taking up what the one before named in doubt ("..., but that's my answer", "..., but it is.").
AFFIRM_RE = re.compile(r"(?:but\s+|still\s+|anyway\s+)*(?:(?:that'?s\s+(?:my|the)\s+(?:final\s+|best\s+)?"
                       r"(?:answer|guess|pick)|i'?ll\s+(?:go|stick)|i\s+will\s+(?:go|stick)|i'?m\s+going\s+with"
                       r"|i'?d\s+go|i\s+would\s+go|my\s+(?:best\s+)?guess\s+is)\b|(?:it\s+is|it\s+was|i\s+think\s+so)\s*$)")
#: Doubt of degree about a named answer commits to it, hedged: "I'm not 100% sure it's X", "I can't be
#: completely certain that it's X", "I don't know for sure that it's X", 我不能百分之百确定是X. Without the
#: degree ("I'm not sure it's X") or without the answer ("I'm not 100% sure.") it is a decline.
_DEGREE = r"(?:100\s*%|(?:one|a)\s+hundred\s+percent|completely|entirely|fully|totally|absolutely|perfectly|wholly)"
_DOUBTED = r"(?:sure|certain|confident|positive)"
DOUBTED_WORDS = frozenset(("sure", "certain", "confident", "positive", "确定", "肯定"))
_COMPLEMENT = (r"(?:that\s+)?(?:it's|it\s+is|it\s+was|it'd\s+be|it\s+would\s+be|that's|this\s+is|"
               r"the\s+answer\s+is|he's|he\s+is|she's|she\s+is|they're|they\s+are)\s+\S")
DEGREE_DOUBT_RE = re.compile(_apostrophe_optional(
    rf"\b(?:not\s+{_DEGREE}\s+{_DOUBTED}|(?:can't|cannot|can\s+not)\s+be\s+{_DEGREE}\s+{_DOUBTED}"
    rf"|(?:don't|do\s+not)\s+know\s+(?:it\s+)?for\s+(?:sure|certain))\s+{_COMPLEMENT}")
    + r"|(?:不|不能|没法|无法)百分之?百(?:地)?(?:确定|肯定)(?:就?是)\S")
HEDGE_RE = re.compile(_apostrophe_optional(_HEDGE_EN) + "|" + _HEDGE_ZH, re.VERBOSE)

#: Every decline or premise pattern holds one of these: text without any skips the regexes.
DECLINE_KEYS = (
    "n't", "nt ", "not", "idk", "dunno", "no ", "noone", "nobody", "unable", "unsure", "uncertain", "unaware",
    "unfamiliar", "unknown", "unclear", "undetermined", "cannot", "fiction", "imaginar", "made", "hypothet",
    "exist", "mythical", "mystery", "beyond", "outside", "never", "lack", "impossible", "hard", "difficult",
    "guess", "who knows", "beats", "refuse", "decline", "prefer", "wish", "position", "speculate", "premise",
    "only", "nobody", "no one", "cancel", "called off", "abandoned", "assumption", "传说", "神话",
    "has no", "have no", "had no", "little", "limited", "insufficient", "can't", "legend", "mytholog",
    "folklor", "something i", "something we", "pass", "want to", "realm", "myth",
    "blank", "recollection", "refrain", "look", "check", "verify", "research", "escapes", "got a", "got any",
    "got the", "inconsisten", "contradict", "misconception", "flaw", "nonsensical", "一无所知", "毫无", "矛盾",
    "错误", "漏洞", "不成立",
    "不", "无", "没", "未", "虚", "超出", "找", "暂", "奉告", "杜撰", "编造", "前提", "从未", "只", "难", "我的知识",
)
ASCII_DECLINE_KEYS = tuple(k for k in DECLINE_KEYS if k.isascii())
HEDGE_KEYS = (
    "sure", "certain", "think", "believe", "guess", "suppose", "suspect", "reckon", "probabl", "perhaps",
    "maybe", "possibl", "likely", "might", "may be", "could be", "recall", "as far as", "say", "know",
    "idea", "100%", "mistaken", "memory", "seem", "give or take", "thereabouts",
    "确定", "可能", "也许", "大概", "或许", "认为", "觉得", "估计", "应该", "知道", "好像", "似乎",
)
ASCII_HEDGE_KEYS = tuple(k for k in HEDGE_KEYS if k.isascii())


def literal_union(keys: Iterable[str]) -> str:
    """A pattern that finds any of ``keys`` (literal strings) in a text, written as a trie.

    Python's ``re`` tries the branches of "abc|abd|xyz" one after the other at every position;
    the trie "(?:ab(?:c|d)|xyz)" tries only those that share the text's next characters. A key
    that begins with another key is left out (whatever holds it holds the other), so use the
    pattern to ask *whether* some key occurs, not which.

    >>> literal_union(["not sure", "nope", "not"])
    'no(?:t|pe)'
    """
    trie: dict = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_pattern(trie)


def _trie_pattern(node: dict) -> str:
    if "" in node:
        return ""
    branches = [re.escape(ch) + _trie_pattern(child) for ch, child in node.items()]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


#: A key tuple's trie regex, by id (the tuple is kept beside it, so an id is never taken for another).
_UNIONS: dict[int, tuple[tuple[str, ...], re.Pattern]] = {}


def has_any(text: str, keys: tuple[str, ...], ascii_keys: tuple[str, ...]) -> bool:
    """Whether ``text`` holds one of ``keys`` (``ascii_keys``: those of them in ASCII).

    >>> has_any("i don't know", DECLINE_KEYS, ASCII_DECLINE_KEYS), has_any("paris", DECLINE_KEYS, ASCII_DECLINE_KEYS)
    (True, False)
    """
    keys = ascii_keys if text.isascii() else keys
    if len(text) <= _SHORT:  # a short text: one pass of the trie beats a pass of str.find per key
        union = _UNIONS.get(id(keys))
        if union is None or union[0] is not keys:
            if len(_UNIONS) >= 64:  # keys made per call: no cache
                return any(key in text for key in keys)
            union = _UNIONS[id(keys)] = (keys, re.compile(literal_union(keys)))
        return union[1].search(text) is not None
    for key in keys:
        if key in text:
            return True
    return False


#: Up to this length :func:`has_any` runs the keys' trie; beyond it ``str.find`` per key is as fast.
_SHORT = 120


#: Words that negate what follows them in a clause ("not Paris", "I doubt it is Paris").
NEGATORS = frozenset(
    "not no never neither nor isnt wasnt arent werent doesnt dont didnt cannot cant wont wouldnt couldnt "
    "shouldnt aint hardly doubt doubtful unlikely rather instead except unlike 不 非 没".split()
)
