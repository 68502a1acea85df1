"""Countries and first-level regions: the names a response adds after a place to say where it is.

"San Francisco, California" and "Paris, France" name one place and the region it lies in; the
region is no second answer (:func:`rewards.judging.candidates.in_answer_position`). The list
holds the world's countries and the states or provinces of the United States, Canada, Australia,
India and the United Kingdom's nations, in the English forms models write.
"""

from __future__ import annotations

import re

from rewards.text import answer_tokens

__all__ = ["PLACE_PREFIXES", "REGIONS", "is_region", "prefixed_place", "region_of_place"]

_COUNTRIES = """afghanistan|albania|algeria|andorra|angola|antigua and barbuda|argentina|armenia|australia|austria|
azerbaijan|bahamas|bahrain|bangladesh|barbados|belarus|belgium|belize|benin|bhutan|bolivia|bosnia and herzegovina|
bosnia|botswana|brazil|brunei|bulgaria|burkina faso|burundi|cambodia|cameroon|canada|cape verde|chad|chile|china|
colombia|comoros|congo|costa rica|croatia|cuba|cyprus|czech republic|czechia|denmark|djibouti|dominica|
dominican republic|ecuador|egypt|el salvador|equatorial guinea|eritrea|estonia|eswatini|ethiopia|fiji|finland|france|
gabon|gambia|georgia|germany|ghana|greece|grenada|guatemala|guinea|guinea-bissau|guyana|haiti|honduras|hungary|
iceland|india|indonesia|iran|iraq|ireland|israel|italy|ivory coast|jamaica|japan|jordan|kazakhstan|kenya|kiribati|
kosovo|kuwait|kyrgyzstan|laos|latvia|lebanon|lesotho|liberia|libya|liechtenstein|lithuania|luxembourg|madagascar|
malawi|malaysia|maldives|mali|malta|marshall islands|mauritania|mauritius|mexico|micronesia|moldova|monaco|mongolia|
montenegro|morocco|mozambique|myanmar|burma|namibia|nauru|nepal|netherlands|holland|new zealand|nicaragua|niger|
nigeria|north korea|north macedonia|norway|oman|pakistan|palau|palestine|panama|papua new guinea|paraguay|peru|
philippines|poland|portugal|qatar|romania|russia|rwanda|saint lucia|samoa|san marino|saudi arabia|senegal|serbia|
seychelles|sierra leone|singapore|slovakia|slovenia|solomon islands|somalia|south africa|south korea|korea|
south sudan|spain|sri lanka|sudan|suriname|sweden|switzerland|syria|taiwan|tajikistan|tanzania|thailand|togo|tonga|
trinidad and tobago|tunisia|turkey|turkmenistan|tuvalu|uganda|ukraine|united arab emirates|uae|united kingdom|uk|
britain|great britain|united states|usa|us|america|united states of america|uruguay|uzbekistan|vanuatu|vatican city|
venezuela|vietnam|yemen|zambia|zimbabwe|england|scotland|wales|northern ireland|hong kong|macau|greenland|
puerto rico"""
_US_STATES = """alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|hawaii|idaho|illinois|
indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota|mississippi|missouri|montana|
nebraska|nevada|new hampshire|new jersey|new mexico|new york|north carolina|north dakota|ohio|oklahoma|oregon|
pennsylvania|rhode island|south carolina|south dakota|tennessee|texas|utah|vermont|virginia|washington|west virginia|
wisconsin|wyoming|dc|washington dc"""
_OTHER_REGIONS = """ontario|quebec|british columbia|alberta|manitoba|saskatchewan|nova scotia|new brunswick|
newfoundland|prince edward island|new south wales|victoria|queensland|tasmania|western australia|south australia|
northern territory|maharashtra|karnataka|tamil nadu|kerala|gujarat|rajasthan|punjab|west bengal|uttar pradesh|
bavaria|catalonia|andalusia|tuscany|lombardy|sicily|sardinia|normandy|brittany|provence|siberia|kyushu|honshu|
hokkaido"""

#: Every region, as its tuple of normalized tokens.
REGIONS = frozenset(tuple(answer_tokens(name)) for block in (_COUNTRIES, _US_STATES, _OTHER_REGIONS)
                    for name in block.replace("\n", "").split("|"))


def is_region(tokens: list[str] | tuple[str, ...]) -> bool:
    """Whether ``tokens`` (normalized) name a country or a first-level region.

    >>> is_region(("california",)), is_region(("san", "francisco"))
    (True, False)
    """
    return tuple(tokens) in REGIONS


_REGION_WORDS = frozenset("country countries nation state states province region territory continent".split())


def region_of_place(tokens: list[str] | tuple[str, ...], question_tokens: frozenset[str]) -> bool:
    """Whether ``tokens`` name a region that, beside a place, only says where that place lies: a
    region, on a question that asks for none ("Which city ...?", not "Which country ...?").

    >>> region_of_place(("california",), frozenset({"which", "city"}))
    True
    >>> region_of_place(("japan",), frozenset({"which", "country"}))
    False
    """
    return tuple(tokens) in REGIONS and question_tokens.isdisjoint(_REGION_WORDS)


#: Words that make a place name another place's ("New York", "St. Petersburg", "North Dakota"); not
#: "Port" or "Fort", which often name the same place ("Port Stanley" is Stanley).
PLACE_PREFIXES = frozenset("new north south east west upper lower greater st saint little".split())
_PREFIX_RE = r"\b(?:" + "|".join(w.capitalize() for w in sorted(PLACE_PREFIXES)) + r")\.?\s+"


def prefixed_place(response: str, gold: str) -> bool:
    """Whether ``gold`` follows a capitalized place prefix in ``response`` ("New Bern", "St. Canberra")."""
    return re.search(_PREFIX_RE + re.escape(gold.split()[0]), response) is not None and not gold.lower().startswith(
        tuple(f"{w} " for w in PLACE_PREFIXES))
