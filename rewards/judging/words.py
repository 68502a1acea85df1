"""The small closed vocabularies the judge reads answer positions with: cue words around an
answer ("I think it is ..."), copulas, prepositions, titles, generic head nouns, pronouns."""

from __future__ import annotations

import re

__all__ = ["COMMON_LIST_RE", "COPULAS", "CUE_WORDS", "GENERIC", "PREPOSITIONS", "PRONOUNS", "TITLES"]

#: Titles before a name ("Sir Isaac Newton"): no name by themselves.
TITLES = frozenset("sir dr mr mrs ms lord lady saint st king queen prince princess president general emperor empress "
                   "tsar czar sultan pope duke duchess baron dame shah pharaoh chancellor governor senator admiral "
                   "captain bishop archbishop cardinal".split())
#: Words that frame an answer without naming one ("I think it is ...", "the answer is ...").
CUE_WORDS = frozenset(
    """it its is was the answer i think believe guess maybe perhaps probably possibly likely my best would be
    say that must might could should definitely certainly surely me seems like hmm well ok okay so yes
    final correct im am d s guessing pretty sure fairly quite answered called named either or just
    believed thought thats actually rather wait oh mean meant sorry oops correction no nope did does do done currently
    now today nowadays presently
    many some people others say says said claim claims suggest suggests thinks believes id ill ive
    alternatively otherwise else unless then 2 also acceptable valid right true accepted possible answers
    been have credited attributed considered regarded usually generally commonly often widely while whereas
    sources source argue argues fans historians scholars experts other few most critics however""".split()
) | TITLES
#: Head nouns that name the kind of a thing: "Luxembourg City" is the gold "Luxembourg" itself.
GENERIC = frozenset("city town village capital province state county island islands mount mt mountain river lake sea "
                     "port fort "
                     "ocean republic kingdom empire desert".split())
#: Words after which a clause gives its predicate ("the capital is", "written by").
COPULAS = frozenset("is was be are were by named called 是 为".split())
PREPOSITIONS = frozenset(
    "in on at near from of to into for with about across over under between around within beside behind "
    "along through after before during since like than outside inside upon via".split()
)
#: A list of common nouns after a word ("Encyclopedias, atlases and textbooks ...").
COMMON_LIST_RE = re.compile(r",\s+[a-z][\w-]*(?:\s*,\s*[a-z][\w-]*)*,?\s+(?:and|or)\s+[a-z]")
PRONOUNS = frozenset("he she they we you it its his her their this that these those which who one".split())
#: The characters of a word of a capitalized name: Latin (with its accented forms), Greek and Cyrillic
#: letters, digits and apostrophes; no CJK character ends a name glued to it ("Java由Sun公司").
NAME_CHARS = r"0-9A-Za-z_\u00c0-\u024f\u0370-\u04ff\u1e00-\u1eff'\u2019"
#: Units: a number in another unit than the question's names another quantity ("212 degrees Fahrenheit").
UNITS = frozenset("""celsius fahrenheit kelvin metres meters metre meter feet foot ft miles mile kilometres kilometers
    km kilograms kg pounds lbs grams ounces litres liters gallons seconds minutes hours days weeks months mph kmh
    percent""".split())


def converted(side: list[str], after_gold: list[str]) -> bool:
    """Whether an "or" offers the gold number converted to another unit ("1,440 minutes or 86,400
    seconds"): a number and a unit that is not the one after the gold."""
    return len(side) >= 2 and side[0][:1].isdigit() and side[1] in UNITS and side[1:2] != after_gold[:1] \
        and after_gold[:1] != [] and after_gold[0] in UNITS
