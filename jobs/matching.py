"""Which occupations a job title belongs to, by plain keyword rules.

Postings seldom carry a SOC code; these rules are deliberately broad, because a posting only
needs to share one occupation with a certification to be shown for it.
"""

import re

from .models import ANNUAL_FACTOR

RULES = [
    (r"secur|cyber|information assurance|\brisk\b", ["15-1212"]),
    (r"network|telecom|infrastructure|system[s]? admin|it admin|windows|server|cloud|azure|sharepoint", ["15-1244"]),
    (r"network (architect|engineer)|telecommunications|senior it architect", ["15-1241"]),
    (r"database|\bdba\b|\bsql\b", ["15-1242"]),
    (r"data (engineer|architect|warehouse)|\betl\b", ["15-1243"]),
    (r"data scien|machine learning|\bai\b|statistic|data analy|analytics|business intelligence|\bbi\b", ["15-2051"]),
    (r"develop|software|programmer|engineer|\.net|java|devops|application", ["15-1252"]),
    (r"\bweb\b|front.?end", ["15-1254"]),
    (r"programmer", ["15-1251"]),
    (r"help ?desk|support|tech supp|desktop|service desk|computer aide|computer assoc", ["15-1232"]),
    (r"systems? analyst|business analyst|\bcrm\b|\berp\b|dynamics|functional|computer specialist", ["15-1211"]),
    (r"architect", ["15-1299"]),
    (r"manager|director|chief|head of", ["11-3021"]),
    (r"project|program manag|coordinator|management analyst|policy|planner", ["13-1111"]),
    (r"clerical|clerk|administrative assistant|secretary|office assoc", ["43-9061", "43-6014"]),
    (r"executive assistant", ["43-6011"]),
    (r"accountant|auditor|financ|budget", ["13-2011", "13-2051"]),
    (r"research scientist|computer scientist", ["15-1221"]),
    (r"marketing|market research", ["13-1161"]),
    (r"trainer|training|instruct|teacher", ["25-9031"]),
    (r"compliance", ["13-1041"]),
    (r"logistic|supply chain", ["13-1081"]),
]
_COMPILED = [(re.compile(pattern, re.IGNORECASE), codes) for pattern, codes in RULES]


def occupation_codes_for(*texts):
    text = " ".join(t for t in texts if t)
    codes = []
    for pattern, rule_codes in _COMPILED:
        if pattern.search(text):
            codes.extend(c for c in rule_codes if c not in codes)
    return codes


def annualise(amount, period):
    if amount is None or period not in ANNUAL_FACTOR:
        return None
    return int(round(amount * ANNUAL_FACTOR[period]))


US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
    "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip


def tidy_locations(text):
    """ "Tucson, Arizona, Arizona; Mesa, Arizona" as "Tucson, Arizona; Mesa, Arizona": USAJOBS repeats the state
    after a city already named with it, and its old exports carry that into the bundled sample."""
    places = []
    for place in (text or "").split(";"):
        parts = []
        for part in (p.strip() for p in place.split(",")):
            if part and (not parts or part.casefold() != parts[-1].casefold()):
                parts.append(part)
        if parts:
            places.append(", ".join(parts))
    return "; ".join(places)


def region_of(locations):
    """The state (or country) of the first listed location: the grain of the market salary figures."""
    first = (locations or "").split(";")[0]
    first = re.sub(r"\(\+\d+ more\)", "", first)
    parts = [p.strip() for p in first.split(",") if p.strip()]
    if not parts:
        return ""
    last = parts[-1]
    return US_STATES.get(last.upper(), last)[:100]
