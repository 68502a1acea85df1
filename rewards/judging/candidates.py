"""Where a response puts its answer: which words stand in the answer position of a clause.

A response names many things; only some are offered as the answer. :func:`in_answer_position`
tells which (:mod:`rewards.judging.names` finds the names it asks about):

- *names* (capitalized words) in the answer position of a clause: at its start ("Lyon.",
  "It's Lyon", "Lyon is the capital", "Z wrote the novel") or after a copula at its end
  ("The capital is Lyon", "written by Z"), next to the question's predicate; a name after a
  preposition ("on the Seine", "in Africa") is context, not an answer, and so is a
  description ("an Italian composer"), another rank ("Saturn is the second largest"), an
  appositive of the subject or of someone in another role ("his assistant, Boris");
- the agent after "by" on a who-did question ("The novel by Robert Morrey").

Numbers and years in the question's role are :mod:`rewards.judging.numbers`; lists of bare
candidates are :mod:`rewards.judging.lists`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rewards.judging.final import RETRACTION_WORDS, retraction_at
from rewards.judging.mentions import ParsedResponse, is_negated
from rewards.judging.ranks import OTHER_RANK, alternative_offered, offered_too, other_rank, ranked_guess
from rewards.judging.roles import FUNCTION_WORDS, RELATION_NOUNS, QuestionRoles, event_of, other_title, stem
from rewards.judging.words import COPULAS, CUE_WORDS, GENERIC, PREPOSITIONS
from rewards.judging.words import PRONOUNS as _PRONOUNS

__all__ = ["in_answer_position"]

#: Nouns a number only points with ("page 3", "chapter 12"): never the quantity asked.
_PAST_FRAME_RE = re.compile(r"\b(?:used\s+to|once|formerly|previously|former|until|no\s+longer|before\s+\d{3,4}|"
                            r"historically|in\s+the\s+past)\b|曾经|以前|原来")
_AGENT_ENDINGS = ("er", "or", "ist", "ian")
_CREDITED = frozenset("credited attributed ascribed".split())
_AFTER_COPULA = frozenset("probably likely possibly perhaps maybe surely certainly definitely clearly now today "
                           "nowadays currently presently actually really truly technically officially".split())
_WINDOW, _FAR = 12, "\u2026"
_PASSIVE_RE = re.compile(r"^(?:is|was|were|are|has\s+been|had\s+been)\s+(?:\w+\s+){0,2}by\b")


_AGENT_NOUNS = frozenset("artist author writer poet novelist composer painter director sculptor architect inventor "
                         "scientist physicist chemist playwright filmmaker founder entrepreneur".split())


_AGENT_MODIFIERS = frozenset("famous great american english french german italian her his their its own".split())


_PLACE_KINDS = frozenset("region prefecture province state area district county valley peninsula island islands "
                         "mountains river coast city town part".split())


def _asked_place(left: list[str], right: list[str], roles: QuestionRoles) -> bool:
    """Whether a name follows "is in" (or "a city in") where the question asks "... in?", or "a moon
    of" where it asks "moons of which planet?"."""
    return (len(left) >= 2 and left[-1] in roles.place_words and (
        left[-2] in COPULAS or left[-2] in GENERIC or (left[-1] == "of" and stem(left[-2]) in roles.stems))
        and not (right[:1] and (right[0] in _PLACE_KINDS or right[0] in GENERIC))  # "in the French capital"
        and not _another_subject(left, roles))


_COMPARING = frozenset("just as like unlike while whereas and but".split())


def _another_subject(left: list[str], roles: QuestionRoles) -> bool:
    """Whether the clause's subject, before its copula, is none of the question's words ("just as
    Europa is a moon of" Jupiter, for "Titan is a moon of which planet?")."""
    copula = next((i for i, t in enumerate(left) if t in ("is", "are", "was", "were")), None)
    if copula is None or _FAR in left:
        return False
    subject = [t for t in left[:copula] if t not in CUE_WORDS and t not in _COMPARING and t not in _PRONOUNS]
    return bool(subject) and roles.tokens.isdisjoint(subject)


def _after_by(left: list[str], roles: QuestionRoles) -> bool:
    """Whether a name follows "by" (or "by the artist"): the agent of a passive or of a work."""
    while left and (left[-1] in _AGENT_NOUNS or left[-1] in RELATION_NOUNS or left[-1] in _AGENT_MODIFIERS):
        left = left[:-1]  # "by the artist Pablo Picasso", "written by her sister Emily"
    if left[-2:] in (["attributed", "to"], ["credited", "to"], ["ascribed", "to"]):
        return True  # "is often credited to Antonio Salieri": an attribution names the agent
    # "based on the novel by Peter Benchley": the author of another work
    if not left or left[-1] != "by" or (PREPOSITIONS | {"based", "adapted", "inspired"}) & set(left[-4:-1]):
        return False
    verb = left[-2] if len(left) >= 2 else ""  # "commissioned by Pope Leo": the agent of another act
    return not verb.endswith("ed") or stem(verb) in roles.predicate or event_of(verb) == roles.event


@lru_cache(maxsize=4096)
def _past_frame(clause: str) -> bool:
    return _PAST_FRAME_RE.search(clause) is not None


def _unjoin(left: list[str]) -> list[str]:
    """``left`` without a first answer joined by "and" ("Canberra and" Sydney, "the capital is
    Canberra and" Sydney): the second answer stands where the first did."""
    if left[-3:] == ["as", "well", "as"]:
        left = left[:-3] + ["and"]
    if left[-2:] == ["if", "not"]:  # "Canberra, if not Sydney": an alternative
        return left[:-2]
    if len(left) < 2 or left[-1] not in ("and", "plus", "also", "和", "与"):
        return left
    copulas = [i for i, t in enumerate(left[:-1]) if t in COPULAS]
    start = copulas[-1] + 1 if copulas else 0
    first = [t for t in left[start:-1] if t not in CUE_WORDS]
    joinable = 0 < len(first) <= 3 and _FAR not in left[start:] and PREPOSITIONS.isdisjoint(left[start:-1])
    return left[:start] if joinable else left  # not "between Sydney and Melbourne"


#: Words that open a second coordinated clause ("..., and the Amazon is the longest in the world").
_CLAUSE_JOINS = frozenset("and but while whereas".split())


def _after_join(left: list[str], right: list[str], roles: QuestionRoles) -> list[str]:
    """``left`` from the start of the coordinated clause a name opens with its own verb: "and the
    Amazon is ...", "Jupiter is a gas giant and Saturn is ..." stand at a clause's start ("between
    Sydney and Melbourne." does not: no verb follows)."""
    if not right or not (right[0] in COPULAS or stem(right[0]) in roles.predicate):
        return left
    at = next((i for i in range(len(left) - 1, -1, -1) if left[i] in _CLAUSE_JOINS), None)
    if at is None or not all(t in CUE_WORDS for t in left[at + 1:]):
        return left
    before = left[:at]
    if not before or any(t in COPULAS or stem(t) in roles.predicate for t in before if t != _FAR):
        return left[at + 1:]
    return left


def _someone_elses(right: list[str]) -> bool:
    """Whether the words after a name give it a role beside another's ("John Adams was his vice president")."""
    return len(right) > 1 and right[0] in COPULAS and (right[1] in ("his", "her") or bool(_DEPUTY & set(right[1:4])))


_DEPUTY = frozenset("vice deputy assistant co acting".split())


def _subject_of_next(p: ParsedResponse, k: int, roles: QuestionRoles) -> bool:
    """Whether clause ``k`` is an appositive that the next clause's passive verb takes as subject,
    or the subject of a later clause of its sentence that ranks it elsewhere ("Alexandria,
    founded by Alexander, is the second city")."""
    if k + 1 < len(p.clauses) and _PASSIVE_RE.match(p.clauses[k + 1]) is not None:
        return True
    for j in range(k + 1, min(k + 3, len(p.clauses))):
        between = p.text[p.ends[k]:p.ends[j] - len(p.clauses[j])]
        if any(mark in between for mark in ".!?。！？"):
            break  # only the clauses of its own sentence
        tokens = p.clause_tokens(j)
        copula = next((i for i, t in enumerate(tokens) if t in ("is", "was", "are", "were")), None)
        # "Potassium, just below it, is K": described, not offered as the answer
        if copula is not None and all(t in CUE_WORDS or t in _PRONOUNS for t in tokens[:copula]):
            said = tokens[copula + 1:]
            return (other_rank(said, roles) or bool(OTHER_RANK & set(p.clauses[j].split())) or "other" in said
                    or not {stem(t) for t in said} & roles.predicate)
    return False


def _appositive_of_context(p: ParsedResponse, k: int) -> bool:
    """Whether clause ``k`` follows, in the same sentence, a clause ending "<preposition> <name>"."""
    before = p.clause_tokens(k - 1)[-2:] if k > 0 else []
    return (len(before) == 2 and before[0] in PREPOSITIONS and not p.declines(k - 1)
            and not retraction_at(p.clauses[k - 1])[0]  # "On reflection, Sydney": a new answer
            and not set(".:：") & set(p.text[p.ends[k - 1]:p.ends[k] - len(p.clauses[k])]))  # "In Chinese: X"


#: Objects that stand for the question's own work or thing ("Z wrote it", "Z painted the picture").
_SAME_OBJECT = frozenset("it this that one book novel poem play song painting picture opera symphony work story film "
                         "movie piece song music statue building theory law element".split())


def _other_object(right: list[str], roles: QuestionRoles) -> bool:
    """Whether the verb after a name has another object than the question's ("Hemingway wrote The Old
    Man and the Sea" for "Who wrote The Great Gatsby?"): none of its words is in the question."""
    verb = next((i for i, t in enumerate(right) if stem(t) in roles.predicate and event_of(t) is not None), None)
    if verb is None:
        return False
    obj = []
    for t in right[verb + 1:]:
        if t in PREPOSITIONS or t == _FAR:
            break
        obj.append(t)
    words = [t for t in obj if t not in CUE_WORDS and t not in _PRONOUNS and t not in _SAME_OBJECT
             and not t[:1].isdigit() and t != "and" and not t.endswith("ly")]
    return bool(words) and not set(words) & roles.tokens  # "Crime and Punishment": "and" is no shared word


_KIND_WORDS = frozenset("country nation land place region area territory book novel work person man woman".split())


def _of_another(left: list[str], roles: QuestionRoles) -> bool:
    """Whether "the <noun> of <X> is" names another subject X than the question's: X has words and
    none of them is the question's."""
    if "of" not in left or not roles.tokens or left[-1] not in ("is", "was", "are", "were"):
        return False  # not "a series of paintings by Renoir": "by" names the agent
    at = len(left) - 1 - left[::-1].index("of")
    subject = [t for t in left[at + 1:-1] if t not in CUE_WORDS and t not in _PRONOUNS and t not in COPULAS
               and t not in GENERIC and t not in _KIND_WORDS]  # "the capital of the country" is the question's
    return bool(subject) and not set(subject) & roles.tokens


def _asks_agent(roles: QuestionRoles) -> bool:
    """Whether the question asks who did something (so "Z did it" answers it)."""
    return roles.event is not None or "who" in roles.tokens


def _described_subject(p: ParsedResponse, k: int, roles: QuestionRoles) -> bool:
    """Whether clause ``k`` continues a sentence whose subject is another thing than the question's
    ("Potassium, just below it in the same group, is K" for the symbol of sodium)."""
    j = k
    while j > 0 and not p.new_sentence(j):
        j -= 1
    first = p.clause_tokens(j)[:1] if j < k else []
    return bool(first) and first[0].isalpha() and first[0] not in roles.tokens and first[0] not in CUE_WORDS \
        and first[0] not in _PRONOUNS and stem(first[0]) not in roles.predicate


def _names_predicate(right: list[str], roles: QuestionRoles) -> bool:
    """Whether the words after a name hold the question's predicate: a word of it, or in Chinese (one
    token a character) two of its characters side by side ("是首都", not "是古都" for 首都)."""
    if right and not right[0].isascii():
        return any(a in roles.predicate and b in roles.predicate for a, b in zip(right, right[1:]))
    return bool({stem(t) for t in right} & roles.predicate)


_COPULA_ENDS = (["is"], ["was"], ["are"], ["were"])
_FUNCTION_STEMS = frozenset(stem(w) for w in FUNCTION_WORDS)
#: Verbs of choosing before the answer they choose ("I'll go with Sydney").
_CHOOSING = (["go", "with"], ["going", "with"], ["stick", "with"], ["settle", "on"], ["opt", "for"], ["bet", "on"])


def in_answer_position(p: ParsedResponse, s: int, e: int, roles: QuestionRoles, *, lenient: bool = False) -> bool:
    """Whether the token span [s, e) stands where a clause puts its answer (see the module docstring).

    >>> from rewards.judging.roles import question_roles
    >>> from rewards.text import prepare, split_clauses
    >>> p = ParsedResponse("Lyon is the capital.", prepare("Lyon is the capital."), ["lyon is the capital"])
    >>> in_answer_position(p, 0, 1, question_roles("What is the capital of France?"))
    True
    """
    lo, hi = p.clause_span(s)
    # at most _WINDOW words each side (a longer side stands for "not at the clause's edge"): linear time
    left = ([_FAR] if s - lo > _WINDOW else []) + p.tokens[max(lo, s - _WINDOW):s]
    right = p.tokens[e:min(hi, e + _WINDOW)] + ([_FAR] if hi - e > _WINDOW else [])
    invents = lenient and ("whose" in left or right[:2] == ["as", "its"])  # "a fictional place whose capital is X"
    asked = p.asks(p.clause_of[s]) and not any(p.declines(j) for j in range(p.clause_of[s]))  # "I don't know. Is it X?"
    if (p.declines(p.clause_of[s]) and not invents) or (asked and not lenient) or (
            is_negated(p, s, e) and not p.affirmed(p.clause_of[s])):
        return False
    if _past_frame(p.clauses[p.clause_of[s]]) or other_title(p.clauses[p.clause_of[s]], roles):
        return False  # "Lagos used to be the capital": a former answer; "《水浒传》的作者是施耐庵": another work's
    if retraction_at(p.clauses[p.clause_of[s]])[0]:  # "on second thought Gray": the cue is no context
        left = [t for t in left if t not in RETRACTION_WORDS]
    if right and (right[0] in _AGENT_NOUNS or right[0].removesuffix("s") in _AGENT_NOUNS
                  or right[0] in RELATION_NOUNS):
        return False  # "the Italian poet Dante": a description of the person, not a name
    # "and the Amazon is ...": a coordinated clause's start; "Canberra and Sydney.", "by Vivaldi and
    # Bach": a second answer joined to the first
    left = _unjoin(_after_join(left, right, roles))
    if roles.event and _after_by(left, roles):
        return True  # "The novel by Robert Morrey", "painted by the artist Pablo Picasso": the agent
    if _asked_place(left, right, roles):
        return True  # "Which country is Kyoto in?" - "Kyoto is in China": the question's own preposition
    if left[-2:] in _CHOOSING:
        left = []  # "but I'll go with Sydney": what the choice names stands where an answer does
    if invents or ranked_guess(left, right) or alternative_offered(left):
        return True  # "with Norvik as its capital" invents; "second choice Sydney", "unless I'm thinking of Sydney"
    if left and left[-1] in PREPOSITIONS:
        return False
    if right and stem(right[0]) in roles.predicate and not right[0].endswith("ed") and (
            event_of(right[0]) is None or right[0].endswith(_AGENT_ENDINGS)):
        return False  # "the Portuguese capital", "an Italian composer": a modifier of the asked noun
    if other_rank(right, roles):
        return False  # "Saturn is the second largest": another rank of the asked property
    if not right and left[-1:] not in _COPULA_ENDS and _subject_of_next(p, p.clause_of[s], roles):
        return False  # "Hamlet, Prince of Denmark, was written by ...": an appositive (not "the capital is X, which")
    k = p.clause_of[s]
    if not left and not right and _appositive_of_context(p, k):
        return False  # "across the river from Gatineau, Quebec": an appositive of a place in context
    if not left and k > 0 and p.clause_tokens(k - 1)[-1:] and p.clause_tokens(k - 1)[-1] in RELATION_NOUNS:
        return False  # "to his assistant, Boris Pododder": the name of someone in another role
    if all(t in CUE_WORDS for t in left):  # at the clause's start: "Lyon.", "Lyon is the capital", "Z did it"
        return ((lenient and len(right) <= 3) or all(t in CUE_WORDS for t in right) or offered_too(right)
                or not _CREDITED.isdisjoint(right[:4])  # "Virgil is also credited as its author"
                or (len(right) <= 5 and _names_predicate(right, roles)
                    and not _other_object(right, roles) and not _someone_elses(right))
                or (_asks_agent(roles) and len(right) <= 2 and right[-1:] in (["it"], ["this"], ["that"], right[:1])))
    if left and all(t in COPULAS or t in CUE_WORDS for t in left) and _described_subject(p, k, roles):
        return False  # "Potassium, just below it, is K": the predicate of another subject
    if left[-2:] == ["in", "fact"]:
        left = left[:-2]  # "it is in fact Lyon"
    while len(left) > 1 and left[-1] in _AFTER_COPULA and left[-2] in COPULAS:
        left = left[:-1]  # "florinthane is probably C3H6F2"
    if left[-1] in COPULAS and all(t in CUE_WORDS for t in right):  # at its end: "the capital is Lyon"
        if _of_another(left, roles):
            return False  # "the capital of New South Wales is Sydney": another subject's
        return (lenient or bool({stem(t) for t in left} & (roles.predicate or roles.stems - _FUNCTION_STEMS))
                or all(t in CUE_WORDS or t in COPULAS for t in left))  # no predicate read: the question's words
    return False
