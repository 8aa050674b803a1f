"""Port Meridian's shared facts and one school's record: used by the generator and by the planted deserts."""

import math
import unicodedata

import shapely

CITY = "Port Meridian"
CENTER_LAT, CENTER_LON = -31.0, -24.0  # open South Atlantic: no real city underneath
KM_LAT = 110.95
KM_LON = 111.32 * math.cos(math.radians(CENTER_LAT))
YEARS = ("2024-25", "2025-26")
STREETS = ["Harbor", "Coral", "Quay", "Mill", "Cedar", "Beacon", "Tide", "Anchor", "Lantern", "Mariner", "Kelp",
           "Juniper", "Compass", "Dune", "Ferry", "Gull", "Foundry", "Rope", "Salt", "Vista", "Breakwater", "Sextant"]
STREET_TYPES = ["St", "Ave", "Rd", "Blvd", "Way", "Lane", "Dr"]
PROGRAMS = {"Dual language (Spanish)": "elem k8", "Dual language (Portuguese)": "elem k8",
            "IB Primary Years": "elem k8", "IB Diploma": "high secondary", "STEM": "elem k8 middle high secondary",
            "Fine arts": "elem k8 middle high secondary", "Montessori": "elem k8",
            "Career and technical education": "high secondary"}
SPED = ["Autism program", "Deaf and hard of hearing", "Inclusion classrooms", "Life skills", "Resource room"]
EL = ["Newcomer center", "Bilingual instruction (Spanish)", "ESL pull-out", "Sheltered instruction"]
PHONE_FORMATS = ["({a}) {b}-{c}", "{a}.{b}.{c}", "{a}-{b}-{c}", "{a}{b}{c}", "+1 {a} {b} {c}"]


def to_lonlat(geom):
    """Project local km (x east, y north of the centre) to lon/lat degrees."""
    return shapely.transform(geom, lambda xy: xy / [KM_LON, KM_LAT] + [CENTER_LON, CENTER_LAT])


def pick_list(rng, vocab, k_max, p_empty):
    return [] if rng.random() < p_empty else sorted(rng.sample(vocab, rng.randint(1, k_max)))


def school(rng, point, level, lo, hi):
    """Fields shared by both sources for one school."""
    progs = [p for p, lv in PROGRAMS.items() if level in lv.split()]
    return {"lo": lo, "hi": hi, "x": point.x, "y": point.y,
            "street": f"{rng.randint(10, 4999)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}",
            "zip": f"961{int((point.y + 9) // 4.5)}{int((point.x + 10) // 4)}",
            "phone": ("555", f"01{rng.randint(0, 9)}", f"{rng.randint(0, 9999):04d}"),
            "programs": pick_list(rng, progs, 2, 0.35), "sped": pick_list(rng, SPED, 2, 0.3),
            "el": pick_list(rng, EL, 2, 0.4), "has_web": rng.random() > 0.1, "lat": "", "lon": ""}


def ascii_fold(text):
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("–", "-"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def slug(text):
    return "-".join("".join(ch if ch.isalnum() else " " for ch in ascii_fold(text).lower()).split())


def grade_token(rng, g):
    return f"{int(g):02d}" if g.isdigit() and int(g) < 10 and rng.random() < 0.15 else g


def district_rows(rng, district, both, first_code=101):
    """District SIS rows, with the both-listed charters re-formatted the district's way."""
    records = district + both
    order = rng.sample(range(len(records)), len(records))
    rows = []
    for code, idx in enumerate(order):
        s = records[idx]
        s["code"] = f"D{first_code + code:04d}"
        is_charter = s["gov"] == "CHARTER"
        name = s["name"]
        if is_charter:  # the district re-keys charter names its own way: no accents, upper case or "Charter Sch"
            name = ascii_fold(name)
            short = name.removesuffix(" School").removesuffix(" Charter") + " Charter Sch"
            name = name.upper() if rng.random() < 0.5 else short
        fmt = rng.choice(PHONE_FORMATS[1:] if is_charter else PHONE_FORMATS)
        a, b, c = s["phone"]
        web = f"https://www.pmps.example/schools/{slug(s['name'])}" if s["has_web"] else ""
        rows.append([s["code"], s["state_id"], name, s["gov"], s["network"], grade_token(rng, s["lo"]),
                     grade_token(rng, s["hi"]), s["street"], CITY, s["zip"], fmt.format(a=a, b=b, c=c), web,
                     s["lat"], s["lon"], s["status"], ";".join(s["programs"]), ";".join(s["sped"]), ";".join(s["el"])])
    return sorted(rows)
