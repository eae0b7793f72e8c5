"""Word lists for reading figures in English news text.

These describe the language, not any one story, so they live in code; the
domain knowledge (which figures name which fact) lives in `rules/`.
"""
from __future__ import annotations

import re

UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
MAGNITUDES = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "dozen": 12, "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7, "k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12, "trn": 1e12,
}
# Fractions spelled out: "two-thirds", "a quarter", "half".
FRACTION_DENOMINATORS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7,
    "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10,
    "hundredth": 100, "hundredths": 100, "thousandth": 1000, "thousandths": 1000,
}

# Words before a figure that make it a bound or an approximation.
# Value: (kind, change) where kind is lower/upper/approx.
MODIFIERS = {
    "more than": "lower", "over": "lower", "above": "lower", "at least": "lower",
    "no less than": "lower", "no fewer than": "lower", "not less than": "lower",
    "in excess of": "lower", "upwards of": "lower", "greater than": "lower",
    "exceeding": "lower", "exceed": "lower", "exceeds": "lower", "exceeded": "lower", "surpass": "lower",
    "surpassing": "lower", "higher than": "lower", "just over": "lower",
    "well over": "lower", "more then": "lower", "over than": "lower", "north of": "lower",
    "a minimum of": "lower", "as many as": "upper", "as much as": "upper",
    "less than": "upper", "fewer than": "upper", "under": "upper", "below": "upper",
    "up to": "upper", "at most": "upper", "no more than": "upper", "not more than": "upper",
    "nearly": "upper", "almost": "upper", "just under": "upper", "just shy of": "upper",
    "shy of": "upper", "a maximum of": "upper", "lower than": "upper", "within": "upper",
    "about": "approx", "around": "approx", "roughly": "approx", "approximately": "approx",
    "some": "approx", "an estimated": "approx", "estimated": "approx", "circa": "approx",
    "close to": "approx", "nearly about": "approx", "approx.": "approx", "approx": "approx",
    "or so": "approx", "c.": "approx", "ca.": "approx", "an approximate": "approx",
    "somewhere around": "approx", "more or less": "approx", "south of": "upper",
    "upward of": "lower", "a shade under": "upper", "a shade over": "lower", "nears": "approx", "neared": "approx", "nearing": "approx",
    "approaches": "approx", "approached": "approx", "approaching": "approx", "barely": "approx", "averaged": "approx", "averaging": "approx",
    "averages": "approx", "~": "approx", "sub-": "upper", "in the region of": "approx", "on the order of": "approx",
}
# Modifiers whose NewsQuant change code differs from the bound they set:
# "nearly 300" is at most 300, but reads as an approximate figure ("~").
MODIFIER_CHANGE = {"nearly": "approx", "almost": "approx"}
# Bounds that also say the figure is close to them: "just over an hour" is an
# hour and a little, at most NEAR_BOUND_SPAN more ("just under 2,000" at most that much less).
NEAR_BOUNDS = ("just over", "just under", "a shade over", "a shade under", "just shy of")
NEAR_BOUND_SPAN = 0.25
# The word right after an elapsed time and which way it counts: "90 minutes into
# the flight" and "after it took off" count from the flight's start; "two hours
# before landfall" counts back. "ago" counts from the writing, no event.
OFFSET_CUES = {"into": "after", "after": "after", "later": "after", "of": "after",
               "before": "before", "earlier": "before"}
# Relative tolerance an approximation implies.
APPROX_TOLERANCE = 0.10

# Verbs and adverbs that make a figure a change rather than a level.
TREND_UP = {
    "rise", "rose", "risen", "rising", "rises", "increase", "increased", "increases",
    "increasing", "gain", "gained", "gains", "gaining", "climb", "climbed", "climbs",
    "jump", "jumped", "jumps", "surge", "surged", "surges", "soar", "soared", "advance",
    "advanced", "advances", "add", "added", "adds", "grow", "grew", "grown", "grows",
    "up", "higher", "boost", "boosted", "rally", "rallied", "spike",
    "spiked", "firm", "firmed", "edged up", "inched up", "ticked up", "improved",
    "expanded", "expand", "expands", "strengthened", "appreciated", "upward", "upwards",
}
TREND_DOWN = {
    "fall", "fell", "fallen", "falls", "falling", "drop", "dropped", "drops", "decline",
    "declined", "declines", "declining", "decrease", "decreased", "decreases", "lose",
    "lost", "loses", "slip", "slipped", "slips", "slide", "slid", "slides", "shed",
    "sheds", "plunge", "plunged", "plunges", "tumble", "tumbled", "tumbles", "sink",
    "sank", "sunk", "down", "lower", "cut", "cuts", "reduce", "reduced", "ease",
    "eased", "eases", "retreat", "retreated", "dip", "dipped", "dips", "plummet",
    "plummeted", "plummet", "slump", "slumped", "shrink", "shrank", "shrunk", "contracted",
    "weakened", "depreciated", "downward", "downwards", "edged down", "inched down", "ticked down", "crash", "crashed",
}

# Verbs that make a change only with "by": "raised rates by 25 basis points"
# (but "raised $5 million" is an amount raised, not a rise).
TREND_BY_VERBS = {
    "raise": "up", "raised": "up", "raises": "up", "raising": "up", "hike": "up", "hiked": "up", "hikes": "up",
    "lift": "up", "lifted": "up", "lifts": "up", "slash": "down", "slashed": "down", "slashes": "down",
    "trim": "down", "trimmed": "down", "trims": "down", "lowered": "down", "lowers": "down", "lowering": "down",
    "widen": "up", "widened": "up", "narrow": "down", "narrowed": "down",
}

# Verbs whose "up"/"down" is a particle, not a rise or a fall.
PARTICLE_VERBS = {
    "give", "gave", "given", "gives", "giving", "make", "made", "makes", "making", "set", "sets",
    "pick", "picked", "picks", "put", "puts", "take", "took", "taken", "takes", "build", "built",
    "shut", "turn", "turned", "turns", "break", "broke", "broken", "sum", "summed", "back", "backed",
    "show", "showed", "shows", "sign", "signed", "signs", "line", "lined", "step", "stepped", "cut",
    "wind", "wound", "slow", "slowed", "calm", "calmed", "write", "wrote", "written", "track", "tracked",
}

# Time units: normalized to days, and the precision a coarse unit implies.
TIME_UNITS = {
    "second": 1 / 86400, "sec": 1 / 86400, "minute": 1 / 1440, "min": 1 / 1440,
    "hour": 1 / 24, "hr": 1 / 24, "day": 1.0, "week": 7.0, "fortnight": 14.0,
    "month": 30.4375, "year": 365.25, "decade": 3652.5,
}
TIME_UNIT_NAMES = {"sec": "second", "min": "minute", "hr": "hour"}
# Verbs whose subject is what a duration measures ("the voyage takes six hours").
LASTING_VERBS = frozenset({"take", "last", "span", "run"})
# Nouns whose relative clause is what they say ("reports that said 300 died"):
# a denial or a doubt of the noun is a denial of the figure.
REPORT_NOUNS = frozenset({"report", "claim", "statement", "rumour", "rumor", "allegation", "account", "suggestion",
                          "estimate", "figure", "assertion", "story"})
# Nouns that hold what a figure is really of: "60 hours' worth of air", "a
# 60-hour oxygen supply", "a two-week stock of food" measure the air, the
# oxygen, the food.
CONTAINER_NOUNS = frozenset({"worth", "supply", "supplies", "reserve", "reserves", "stock", "stockpile", "amount",
                             "quantity"})
TIME_UNIT_FORMS = {
    "seconds": "second", "secs": "second", "minutes": "minute", "mins": "minute",
    "hours": "hour", "hrs": "hour", "days": "day", "weeks": "week", "wk": "week",
    "wks": "week", "fortnights": "fortnight", "months": "month", "mos": "month",
    "years": "year", "yrs": "year", "yr": "year", "decades": "decade",
}

CURRENCY_PREFIXES = {
    "us$": "dollar", "us $": "dollar", "$": "dollar", "a$": "australian dollar",
    "au$": "australian dollar", "c$": "canadian dollar", "ca$": "canadian dollar",
    "nz$": "new zealand dollar", "hk$": "hong kong dollar", "hk $": "hong kong dollar", "s$": "singapore dollar",
    "€": "euro", "£": "pound sterling", "ps": "pound sterling", "¥": "japanese yen",
    "₹": "indian rupee", "rs": "indian rupee", "rs.": "indian rupee", "rm": "malaysian ringgit",
    "r$": "brazilian real", "$us": "dollar", "$a": "australian dollar", "$c": "canadian dollar",
    "$nz": "new zealand dollar", "y=": "japanese yen", "₪": "shekel", "chf": "swiss franc", "usd": "dollar",
    "eur": "euro", "gbp": "pound sterling", "jpy": "japanese yen", "inr": "indian rupee",
}
# Unit words recognised without quantulum3 (fast path); value: normalized name.
UNIT_WORDS = {
    "%": "percentage", "percent": "percentage", "per cent": "percentage", "pct": "percentage",
    "percentage point": "percentage point", "percentage points": "percentage point",
    "basis point": "basis point", "basis points": "basis point", "bps": "basis point",
    "dollar": "dollar", "dollars": "dollar", "cent": "cent", "cents": "cent",
    "euro": "euro", "euros": "euro", "yen": "japanese yen", "ringgit": "malaysian ringgit",
    "sen": "sen", "shekel": "shekel", "shekels": "shekel", "rupee": "indian rupee",
    "rupees": "indian rupee", "yuan": "chinese yuan", "won": "south korean won",
    "pound sterling": "pound sterling", "pence": "penny", "p": "penny",
    "point": "point", "points": "point",
    "mph": "mile per hour", "km/h": "kilometre per hour", "kph": "kilometre per hour",
    "km/hr": "kilometre per hour", "mpg": "mile per gallon", "rpm": "revolutions per minute",
    "km": "kilometre", "kilometres": "kilometre", "kilometers": "kilometre",
    "kilometre": "kilometre", "kilometer": "kilometre", "mile": "mile", "miles": "mile",
    "metre": "metre", "metres": "metre", "meter": "metre", "meters": "metre", "m": "metre",
    "foot": "foot", "feet": "foot", "ft": "foot", "inch": "inch", "inches": "inch",
    "yard": "yard", "yards": "yard", "cm": "centimetre", "mm": "millimetre",
    "kg": "kilogram", "kilograms": "kilogram", "kilogram": "kilogram", "tonnes": "tonne",
    "tonne": "tonne", "tons": "ton", "ton": "ton", "gram": "gram", "grams": "gram", "g": "gram",
    "lb": "pound-mass", "lbs": "pound-mass", "litre": "litre", "litres": "litre",
    "liter": "litre", "liters": "litre", "gallon": "gallon", "gallons": "gallon",
    "barrel": "barrel", "barrels": "barrel", "hp": "horsepower", "horsepower": "horsepower",
    "kw": "kilowatt", "kilowatt": "kilowatt", "kilowatts": "kilowatt", "mw": "megawatt",
    "megawatts": "megawatt", "gw": "gigawatt", "kwh": "kilowatt hour", "gwh": "gigawatt hour",
    "mwh": "megawatt hour", "degrees": "degree", "degree": "degree", "°c": "celsius",
    "°f": "fahrenheit", "celsius": "celsius", "fahrenheit": "fahrenheit", "degrees celsius": "celsius",
    "degree celsius": "celsius", "degrees fahrenheit": "fahrenheit", "degree fahrenheit": "fahrenheit",
    "degrees centigrade": "celsius", "square feet": "square foot", "square foot": "square foot",
    "square metres": "square metre", "square meters": "square metre", "square miles": "square mile",
    "nautical mile": "nautical mile", "nautical miles": "nautical mile",
    "square kilometres": "square kilometre", "square kilometers": "square kilometre", "ppb": "parts-per-billion",
    "ppm": "parts-per-million", "acres": "acre", "acre": "acre", "hectares": "hectare",
    "volts": "volt", "volt": "volt", "watts": "watt", "watt": "watt", "gb": "gigabyte",
    "millimeter": "millimetre", "millimeters": "millimetre", "millimetres": "millimetre",
    "millimetre": "millimetre", "centimeter": "centimetre", "centimeters": "centimetre",
    "centimetres": "centimetre", "centimetre": "centimetre", "μm": "micrometre", "µm": "micrometre",
    "micrometer": "micrometre", "micrometers": "micrometre", "cubic feet": "cubic foot",
    "cubic foot": "cubic foot", "cubic metres": "cubic metre", "cubic meters": "cubic metre",
    "gigapascal": "gigapascal", "gpa": "gigapascal", "mpa": "megapascal", "kpa": "kilopascal",
    "pc": "percentage", "times": "count", "€": "euro", "£": "pound sterling", "¥": "japanese yen", "″": "inch", "′": "foot",
    "m2": "square metre", "km2": "square kilometre", "ft2": "square foot", "sq ft": "square foot",
    "decibel": "decibel", "db": "decibel",
    "tb": "terabyte", "mg": "milligram", "ml": "millilitre", "mah": "milliampere-hour",
    "bhp": "brake horsepower", "w": "watt", "nanometer": "nanometre",
    "nanometers": "nanometre", "nanometres": "nanometre", "usd": "dollar", "jpy": "japanese yen",
    "eur": "euro", "gbp": "pound sterling", "inr": "indian rupee", "cny": "chinese yuan", "mb": "megabyte", "ghz": "gigahertz", "mhz": "megahertz", "hz": "hertz",
}

# More unit words, named as in the CQE unit list that NewsQuant's gold follows
# ("pound-foot", "point" for a share price in pence, "newton metre").
UNIT_WORDS.update({
    "pound-feet": "pound-foot", "pound-foot": "pound-foot", "pound feet": "pound-foot", "pounds-feet": "pound-foot",
    "lb-ft": "foot pound-force", "lb ft": "foot pound-force", "lbs-ft": "foot pound-force",
    "ft-lb": "foot pound-force", "foot-pounds": "foot pound-force", "foot-pound": "foot pound-force",
    "barrel of oil": "barrel of oil", "barrels of oil": "barrel of oil",
    "pound": "pound-mass", "pounds": "pound-mass", "pounds sterling": "pound sterling",
    "ounce": "ounce", "ounces": "ounce", "oz": "ounce", "fluid ounce": "ounce", "fluid ounces": "ounce",
    "pint": "pint", "pints": "pint", "cup": "cup", "cups": "cup", "teaspoon": "teaspoon", "teaspoons": "teaspoon",
    "tsp": "teaspoon", "tablespoon": "tablespoon", "tablespoons": "tablespoon", "tbsp": "tablespoon", "quart": "quart", "quarts": "quart",
    "sq m": "square metre", "sq. m": "square metre", "sqm": "square metre", "square m": "square metre",
    "sq ft": "square foot", "sq. ft": "square foot", "sqft": "square foot", "square ft": "square foot",
    "sq km": "square kilometre", "square km": "square kilometre", "sq mi": "square mile", "square mi": "square mile",
    "mmbtu": "mega british thermal unit", "btu": "british thermal unit",
    "gbps": "gigabit per second", "mbps": "megabit per second", "kbps": "kilobit per second",
    "psi": "pound per square inch", "pounds per square inch": "pound per square inch",
    "pound per square inch": "pound per square inch", "gigabyte": "gigabyte", "gigabytes": "gigabyte", "megabyte": "megabyte",
    "megabytes": "megabyte", "terabyte": "terabyte", "terabytes": "terabyte", "kb": "kilobyte",
    "nm": "nanometre", "kv": "kilovolt", "kilovolt": "kilovolt", "kilovolts": "kilovolt",
    "megawatt": "megawatt", "gigawatt": "gigawatt", "gigawatts": "gigawatt", "terawatt": "terawatt",
    "kilowatt-hour": "kilowatt hour", "kilowatt-hours": "kilowatt hour", "kilowatt hours": "kilowatt hour",
    "megawatt-hour": "megawatt hour", "megawatt-hours": "megawatt hour", "gigawatt-hours": "gigawatt hour",
    "hectare": "hectare", "ha": "hectare", "knot": "knot", "knots": "knot", "calorie": "calorie",
    "calories": "calorie", "kcal": "kilocalorie", "mah": "milliampere-hour", "p": "point",
    "metric ton": "tonne", "metric tons": "tonne", "metric tonnes": "tonne", "gigatonnes": "gigatonne",
    "gigatonne": "gigatonne", "gigatons": "gigatonne", "megatonnes": "megatonne", "megatons": "megatonne",
    "µg": "microgram", "μg": "microgram", "mcg": "microgram", "microgram": "microgram", "micrograms": "microgram",
    "light-year": "light-year", "light-years": "light-year", "light year": "light-year", "light years": "light-year",
    "parsec": "parsec", "parsecs": "parsec", "megapixel": "megapixel", "megapixels": "megapixel",
    "carat": "carat", "carats": "carat", "bushel": "bushel", "bushels": "bushel",
    "m/s": "metre per second", "km/s": "kilometre per second", "ft/s": "foot per second",
})
# Where CQE's unit list (NewsQuant's naming) calls a unit otherwise than the
# normalized names here, which the comparison rules key on.
CQE_UNIT_NAMES = {"tonne": "metric ton", "gigatonne": "gigaton", "megatonne": "megaton", "kilotonne": "kiloton"}

# Abbreviations whose case matters: "12 C" is Celsius, "450 Nm" a torque, "300 PS"
# metric horsepower; "5G" is no gram and "3P" no point.
CASED_UNITS = {"C": "celsius", "F": "fahrenheit", "Nm": "newton metre", "PS": "horsepower", "nm": "nanometre",
               "G": "generation wireless", "WAR": "win above replacement", "PPG": "point per game",
               "OBP": "on-base percentage", "SLG": "slugging percentage", "MPH": "mile per hour", "MPG": "mile per gallon"}
LOWER_CASE_ONLY_UNITS = frozenset({"g", "p", "m", "b", "t"})

# Currencies named by words: "40 euros", "7.5 million Danish crowns", "150 kn".
CURRENCY_WORDS = {
    "krone": "danish krone", "kroner": "danish krone", "krona": "swedish krone", "kronor": "swedish krone",
    "kuna": "croatian kuna", "kn": "croatian kuna", "lira": "turkish lira", "liras": "turkish lira",
    "rand": "south african rand", "franc": "swiss franc", "francs": "swiss franc", "peso": "mexican peso",
    "pesos": "mexican peso", "rupiah": "indonesian rupiah", "baht": "thai baht", "naira": "nigerian naira",
    "zloty": "polish złoty", "zlotys": "polish złoty", "forint": "hungarian forint", "lari": "georgian lari",
    "dirham": "united arab emirates dirham", "dirhams": "united arab emirates dirham", "riyal": "saudi riyal",
    "riyals": "saudi riyal", "ruble": "russian ruble", "rubles": "russian ruble", "rouble": "russian ruble",
    "roubles": "russian ruble", "hryvnia": "ukrainian hryvnia", "hryvnias": "ukrainian hryvnia",
    "bitcoin": "bitcoin", "bitcoins": "bitcoin",
}
# "Danish crowns", "Swedish crowns", "Canadian dollars": a nationality and a currency noun
# (named as in the CQE unit list: "swedish krone").
NATIONAL_CURRENCIES = {
    ("danish", "crown"): "danish krone", ("swedish", "crown"): "swedish krone",
    ("norwegian", "crown"): "norwegian krone", ("czech", "crown"): "czech koruna",
    ("icelandic", "crown"): "icelandic krona", ("swedish", "krona"): "swedish krone", ("norwegian", "krone"): "norwegian krone",
    ("canadian", "dollar"): "canadian dollar", ("australian", "dollar"): "australian dollar",
    ("new zealand", "dollar"): "new zealand dollar", ("hong kong", "dollar"): "hong kong dollar",
    ("singapore", "dollar"): "singapore dollar", ("taiwan", "dollar"): "new taiwan dollar",
    ("us", "dollar"): "dollar", ("u.s.", "dollar"): "dollar", ("american", "dollar"): "dollar",
    ("mexican", "peso"): "mexican peso", ("argentine", "peso"): "argentine peso",
    ("philippine", "peso"): "philippine peso", ("chilean", "peso"): "chilean peso",
    ("colombian", "peso"): "colombian peso", ("swiss", "franc"): "swiss franc",
    ("indian", "rupee"): "indian rupee", ("pakistani", "rupee"): "pakistani rupee",
    ("sri lankan", "rupee"): "sri lankan rupee", ("japanese", "yen"): "japanese yen",
    ("chinese", "yuan"): "chinese yuan", ("south african", "rand"): "south african rand",
    ("turkish", "lira"): "turkish lira", ("egyptian", "pound"): "egyptian pound",
    ("british", "pound"): "pound sterling", ("russian", "ruble"): "russian ruble",
    ("brazilian", "real"): "brazilian real", ("malaysian", "ringgit"): "malaysian ringgit",
    ("israeli", "shekel"): "shekel", ("new israeli", "shekel"): "shekel",
}
UNIT_WORDS.update(CURRENCY_WORDS)
# Country-marked dollar signs: "NZ $45", "C $30", "NZD2.4m" (see CURRENCY_PREFIXES).
CURRENCY_PREFIXES.update({
    "nz $": "new zealand dollar", "c $": "canadian dollar", "a $": "australian dollar", "s $": "singapore dollar",
    "nzd": "new zealand dollar", "aud": "australian dollar", "cad": "canadian dollar", "hkd": "hong kong dollar",
    "sgd": "singapore dollar", "cny": "chinese yuan", "rmb": "chinese yuan", "krw": "south korean won",
    "sek": "swedish krone", "nok": "norwegian krone", "dkk": "danish krone", "zar": "south african rand",
    "try": "turkish lira", "rub": "russian ruble", "brl": "brazilian real", "mxn": "mexican peso",
})

# Nouns whose plural is their singular ("3 new species").
INVARIANT_NOUNS = frozenset({"species", "series", "means", "news", "headquarters", "aircraft", "sheep", "deer"})
# Adjectives after a hyphenated figure that say how big, not what is counted: "a 2,000-strong crowd".
HYPHEN_ADJECTIVES = frozenset({"strong", "long", "wide", "high", "tall", "deep", "thick", "old", "odd", "plus",
                               "large", "big", "square"})

# Names that end in a number, so the number is no amount: "sp 500", "FTSE 100".
NUMBERED_NAMES = (
    "s&p", "sp", "ftse", "nikkei", "cac", "dax", "asx", "russell", "stoxx", "euro stoxx", "nasdaq", "kospi",
    "nifty", "sensex", "ibex", "aex", "omx", "smi", "tsx", "fortune", "forbes", "formula", "inc.",
)
# Nouns after a hyphenated number that name a kind of thing: "nine-speed gearbox", "four-door".
CLASSIFIER_NOUNS = frozenset({"speed", "door", "seater", "star", "ply", "stroke", "valve", "piece", "string"})

# Words that name a stock index: a bare level after "to"/"at" in their sentence is in points.
INDEX_WORDS = (
    "index", "indices", "indexes", "dow", "nasdaq", "s&p", "ftse", "nikkei", "dax", "cac 40", "hang seng",
    "kospi", "sensex", "nifty", "asx", "tsx", "stoxx", "topix", "shanghai composite", "ibovespa", "bovespa",
)

# Quantifiers that state an amount without a number; [low, high] is a rough reading.
VAGUE_QUANTIFIERS = {
    "a handful": (2, 9), "handful": (2, 9), "a few": (2, 9), "a couple of": (2, 3),
    "several": (3, 9), "a number of": (2, 20), "dozens": (12, 120), "scores": (40, 200),
    "hundreds": (100, 1000), "thousands": (1000, 10000), "tens of thousands": (10000, 100000),
    "hundreds of thousands": (1e5, 1e6), "millions": (1e6, 1e7), "tens of millions": (1e7, 1e8),
    "hundreds of millions": (1e8, 1e9), "billions": (1e9, 1e10),
}

# Nouns that name groups of people in "all the women, children and elderly".
GROUP_NOUNS = {
    "women", "children", "elderly", "civilians", "hostages", "men", "soldiers", "captives",
    "prisoners", "residents", "people", "citizens", "detainees", "sick", "wounded", "minors",
    "babies", "infants", "mothers", "girls", "boys", "nationals", "foreigners", "workers",
    "students", "patients", "passengers", "victims", "survivors", "troops", "employees",
    "members", "voters", "the elderly", "elders",
}

# Words of four letters or more that title-case headlines may leave in lower
# case ("Floods With Heavy Rain"): they do not make a line a sentence.
TITLE_LOWER_WORDS = frozenset({"with", "from", "into", "over", "onto", "upon", "amid", "near", "than", "that",
                               "this", "after", "about", "under", "among", "before", "while"})
# Words before a four-digit number that make it a year even before a people
# noun ("in 2012 people fled"); after any other word it counts them ("rose to
# 2012 people").
YEAR_PREPOSITIONS = frozenset({"in", "since", "by", "until", "till", "during", "before", "after", "from",
                               "through", "throughout", "circa", "early", "late", "mid"})
# Nouns that name a running count as a subject ("the number injured rose to
# 2059", "the toll reached 1200"): a bare four-digit figure they reach is
# that count, not a year.
TOTAL_NOUNS = frozenset({"number", "toll", "tally", "total", "count"})

MONTHS = {
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
}
# Page furniture: counts that describe the web page, not the story.
FURNITURE_NOUNS = {
    "views", "view", "comments", "comment", "shares", "likes", "reads", "min read", "mins read",
    "minute read", "minutes read", "replies", "retweets", "followers on",
}
ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")

# Derived once: words that name a unit rather than a counted thing, and the
# normalized unit names the word lists produce.
UNIT_LIKE_WORDS = frozenset(UNIT_WORDS) | frozenset(TIME_UNITS) | frozenset(TIME_UNIT_FORMS)
NORMALIZED_UNITS = frozenset(UNIT_WORDS.values()) | {"day"}


# Words for times and dates: the noun a bare figure hangs on when it is no
# counted thing ("rose to 8,200 on Saturday", "10 a day earlier").
TIME_WORDS = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "yesterday", "today",
    "tomorrow", "morning", "afternoon", "evening", "night", "day", "week", "month", "year", "hour",
    "minute", "weekend", "time", "date", "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december", "sep", "sept", "oct", "nov", "dec", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug",
})

# Common nouns for a kind of place: "the coastal city of Brava", "the Harlow
# province" name a place even when the tagger tags no entity in them.
PLACE_NOUNS = frozenset({
    "city", "town", "village", "province", "region", "district", "county", "governorate", "prefecture",
    "municipality", "state", "island", "port", "capital", "neighbourhood", "neighborhood", "suburb",
    "commune", "township", "hamlet", "department", "community", "settlement",
})
# Words of an administrative level that one source writes after a place's name
# and another leaves out ("Harlow province", "Harlow"). Not "city" or "state":
# "Mexico City" is not Mexico.
ADMIN_SUFFIXES = frozenset({"province", "region", "district", "governorate", "prefecture", "municipality",
                            "county", "department"})

# Kinds of building or structure that one source writes after a name and
# another leaves out ("the Osk mosque", "Osk"): within one fact's figures, the
# same owner.
STRUCTURE_NOUNS = frozenset({"mosque", "church", "cathedral", "temple", "shrine", "monastery", "abbey",
                             "palace", "castle", "fort", "fortress", "tower", "bridge", "dam", "museum"})

# Compass directions: "58 km southwest of Esk" measures from Esk.
# A reading "on" a named scale carries no unit, whatever word stood before it
# ("6 degrees on the Richter scale", "a 5 on the Beaufort scale").
UNITLESS_SCALE_RE = re.compile(r"\s+on\s+the\s+[A-Za-z-]+\s+scale\b", re.IGNORECASE)
COAST_WORDS = frozenset({"coast", "shore", "coastline", "shores"})
NEAR_WORDS = frozenset({"nearby", "neighbouring", "neighboring", "adjacent", "neighbour", "neighbor"})
DIRECTIONS = frozenset({
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
    "north-east", "north-west", "south-east", "south-west", "northeastern", "northwestern",
    "southeastern", "southwestern", "northern", "southern", "eastern", "western", "nne", "ene", "ese",
    "sse", "ssw", "wsw", "wnw", "nnw",
})

# Times of day. A clock time is a figure of its own kind: its unit is
# TIME_OF_DAY, followed by its zone when the text states one ("time of day
# UTC"), so times in zones that cannot be converted never meet.
TIME_OF_DAY = "time of day"
# Zone abbreviations with one fixed offset from UTC (hours): a time stated in
# one of them is converted to UTC. The daylight ones name the season themselves.
FIXED_ZONES = {
    "gmt": 0.0, "utc": 0.0, "bst": 1.0, "cet": 1.0, "cest": 2.0, "eet": 2.0, "eest": 3.0, "msk": 3.0,
    "edt": -4.0, "est": -5.0, "cdt": -5.0, "mdt": -6.0, "mst": -7.0, "pdt": -7.0, "pst": -8.0,
    "adt": -3.0, "ndt": -2.5, "nst": -3.5, "akdt": -8.0, "akst": -9.0, "hst": -10.0,
    "jst": 9.0, "kst": 9.0, "aest": 10.0, "aedt": 11.0, "acst": 9.5, "awst": 8.0, "nzst": 12.0, "nzdt": 13.0,
    "wib": 7.0, "pkt": 5.0, "sast": 2.0,  # not EAT, CAT, WAT: words in upper-case headlines
}
# Zones whose offset the text alone does not fix: an abbreviation several
# zones share (CST: US Central or China; IST: India, Ireland or Israel), a
# name that covers both seasons (ET), or "local time" (of the place the
# story is about). Each is kept as its own zone, under one label.
NAMED_ZONES = {
    "local time": "local", "local": "local", "et": "ET", "eastern time": "ET", "eastern": "ET",
    "ct": "CT", "central time": "CT", "mt": "MT", "mountain time": "MT", "pt": "PT", "pacific time": "PT",
    "cst": "CST", "ist": "IST", "ast": "AST", "eastern daylight time": "EDT", "eastern standard time": "EST",
    "central daylight time": "CDT", "central standard time": "CST", "pacific daylight time": "PDT",
    "pacific standard time": "PST", "greenwich mean time": "GMT", "british summer time": "BST",
}
# Words that name a time of day by itself ("at noon", "around midnight").
CLOCK_WORDS = {"noon": 12.0, "midday": 12.0, "midnight": 0.0}
# Words before a clock time that make it a bound (hours of slack are in clock.py).
# ("not until 5 p.m." is at 5 p.m., so "until" is none)
CLOCK_BOUNDS = {"before": "upper", "by": "upper", "after": "lower", "since": "lower"}

# Years and centuries that date a thing or an event ("built in 1961", "not
# maintained since 1994", "a 14th-century chapel"): a figure whose unit is
# CALENDAR_YEAR, a century being the range of its years.
CALENDAR_YEAR = "calendar year"
CENTURY = "century"  # a century's figure is its years (1100-1199), in the calendar-year family
DATING_UNITS = frozenset({CALENDAR_YEAR, CENTURY})
# Words before a year that make it a dating figure, and the bound each sets.
YEAR_PREPOSITIONS = {"since": "exact", "in": "exact", "around": "approx", "circa": "approx", "about": "approx",
                     "before": "upper", "after": "lower"}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "twenty-first": 21,
}
