"""Equity, discipline, enrollment and subgroup-rating columns for the Port Meridian demo city.

Every value here comes from a SEPARATE random stream (``random.Random(seed + 1)``) so that adding
these columns leaves the main generator's stream, and so every school, id, name and coordinate, untouched.
The mess of real exports is planted on purpose: "-9" / "n/a" sentinel counts, empty rates, suppressed
("*" / "n<10") and unreported (empty) subgroup ratings, and two different deadline formats.
"""

import datetime

DISTRICT_COLUMNS = ["ENROLLMENT", "N_SWD", "N_ELL", "N_FRL", "SUSP_PER_100", "EXPUL_PER_100", "APPLY_HOW",
                    "APPLY_URL", "APPLY_DEADLINE", "ENTRY_GRADES", "MIDYEAR", "SCHOOL_HOURS"]
CHARTER_COLUMNS = ["Total Enrollment", "SWD Count", "EL Count", "Low Income Count", "Suspension Rate",
                   "Expulsion Rate", "How to Apply", "Application Link", "Lottery Deadline", "Entry Grades",
                   "Midyear Enrollment", "School Day"]
DISTRICT_RATING_COLUMNS = ["SWD_RATING", "EL_RATING", "LOWINC_RATING"]
CHARTER_RATING_COLUMNS = ["SWD Grade", "EL Grade", "Low Income Grade"]
N_COUNTS = 4  # the first four new columns of each directory file are counts
SENTINELS = ("-9", "n/a")
SUPPRESSED = ("*", "n<10")

ZONE_HOW = "Enroll at the school office; children living in the attendance zone are guaranteed a seat."
CHOICE_HOW = "Apply through PMPS Choice by the deadline; seats are given by lottery."
CHARTER_HOW = ["Apply by the lottery deadline; siblings get priority.",
               "Apply online by the lottery deadline; siblings and children of staff get priority.",
               "Submit one application by the lottery deadline; seats are drawn in a public lottery."]
MAGNET = {"IB Primary Years", "IB Diploma", "Montessori", "Dual language (Spanish)", "Dual language (Portuguese)"}
DISTRICT_DEADLINES = [(datetime.date(2027, 1, 15), 6), (datetime.date(2027, 1, 31), 2), (datetime.date(2027, 2, 12), 1)]
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # not strftime("%B"): that depends on the locale
# level -> (enrollment low, high, mode), suspensions per 100 (low, high, mode), P(any expulsion)
LEVEL_STATS = {"elem": ((120, 750, 380), (0.0, 4.0, 0.8), 0.03), "k8": ((200, 1000, 520), (0.0, 7.0, 2.0), 0.15),
               "middle": ((250, 1100, 600), (1.0, 14.0, 5.0), 0.3), "high": ((400, 1800, 1000), (1.0, 12.0, 4.0), 0.4),
               "secondary": ((300, 1500, 750), (1.0, 12.0, 4.0), 0.35)}
GRADE_ORDER = ["PK", "K"] + [str(g) for g in range(1, 13)]


def _level(lo, hi):
    return {"5": "elem", "8": "middle" if lo == "6" else "k8", "12": "high" if lo == "9" else "secondary"}[hi]


def _entry_grades(rng, lo, hi):
    """The grades a school admits new students into: its lowest grade plus the usual transition points."""
    span = GRADE_ORDER[GRADE_ORDER.index(lo):GRADE_ORDER.index(hi) + 1]
    grades = [lo] + (["K"] if lo == "PK" else [])
    for transition, p in (("6", 0.6), ("9", 0.8)):
        if transition in span[1:] and rng.random() < p:
            grades.append(transition)
    return grades


def _clock(minutes):
    hour, minute = divmod(minutes, 60)
    return f"{hour % 12 or 12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"


def _profile(rng, s):
    """The true (unmessed) numbers of one school; both files render the same profile their own way."""
    charter = s["gov"] == "CHARTER"
    level = _level(s["lo"], s["hi"])
    (e_lo, e_hi, e_mode), susp, p_expel = LEVEL_STATS[level]
    scale = rng.uniform(0.35, 0.85) if charter else 1.0  # charters are smaller
    enroll = min(1800, max(80, round(rng.triangular(e_lo, e_hi, e_mode) * scale)))
    swd = rng.triangular(0.08, 0.25, 0.13) + (0.03 if {"Autism program", "Life skills"} & set(s["sped"]) else 0)
    el = 0.45 * rng.random() ** (1.2 if s["el"] else 2.6)  # schools with EL programs draw more English learners
    low_income = rng.triangular(0.20, 0.95, 0.65)
    susp_rate = rng.triangular(*susp) * (1.3 if charter else 1.0)
    expel = rng.uniform(0.1, 0.6) if rng.random() < p_expel else 0.0
    magnet = bool(MAGNET & set(s["programs"])) and rng.random() < 0.7
    choice = charter or magnet or (s["hi"] == "12" and rng.random() < 0.35)
    if charter:
        deadline = datetime.date(2027, 2, 1) + datetime.timedelta(days=rng.randrange(0, 75))
        start, length = rng.choice([450, 465, 480]), rng.choice([450, 465, 480, 495])
    else:
        deadline = rng.choices(*zip(*DISTRICT_DEADLINES))[0]
        start, length = rng.choice([450, 465, 480, 495, 510, 525, 540]), rng.choice([390, 405, 420])
    return {"enroll": enroll, "counts": [enroll] + [round(enroll * share) for share in (min(swd, 0.25), el,
                                                                                      low_income)],
            "susp": f"{susp_rate:.1f}", "expel": f"{expel:.1f}", "choice": choice, "deadline": deadline,
            "entry": _entry_grades(rng, s["lo"], s["hi"]), "midyear": rng.random() < (0.25 if choice else 0.9),
            "hours": f"{_clock(start)} - {_clock(start + length)}", "how": rng.choice(CHARTER_HOW)}


def add_profiles(rng, schools):
    """Attach a profile to every school record (in list order, so the stream is deterministic)."""
    for s in schools:
        s["extra"] = _profile(rng, s)


def _plant_sentinels(rng, rows, start, n_minus9, n_na):
    """Replace one count cell in distinct random rows by "-9" or "n/a"; returns the number of cells."""
    picks = rng.sample(range(len(rows)), n_minus9 + n_na)
    for k, i in enumerate(picks):
        rows[i][start + rng.randrange(N_COUNTS)] = SENTINELS[k >= n_minus9]
    return len(picks)


def district_columns(rng, rows, by_code, mess=True):
    """Append DISTRICT_COLUMNS to sorted district SIS rows (in place); returns the number of sentinel cells.

    ``mess=False`` leaves out the unreported rates and sentinel counts (for the planted access schools).
    """
    start = len(rows[0])
    for row in rows:
        x = by_code[row[0]]["extra"]
        row += [str(c) for c in x["counts"]] + [x["susp"], x["expel"]]
        row += [CHOICE_HOW, f"https://choice.pmps.example/apply/{row[0].lower()}", x["deadline"].isoformat()] \
            if x["choice"] else [ZONE_HOW, "", ""]
        row += [";".join(x["entry"]), "Y" if x["midyear"] else "N", x["hours"]]
    if not mess:
        return 0
    for i in rng.sample(range(len(rows)), max(2, round(0.015 * len(rows)))):
        rows[i][start + 4] = ""  # suspension rate not reported
    return _plant_sentinels(rng, rows, start, max(2, round(0.03 * len(rows))), max(2, round(0.02 * len(rows))))


def charter_columns(rng, rows, charters):
    """Append CHARTER_COLUMNS to the authorizer rows (same order as charters); returns the sentinel cells."""
    start = len(rows[0])
    for row, s in zip(rows, charters):
        x = s["extra"]
        d = x["deadline"]
        row += [str(c) for c in x["counts"]] + [x["susp"], x["expel"], x["how"],
                                                f"https://apply.pmcharterboard.example/{s['campus_id'].lower()}",
                                                f"{MONTHS[d.month - 1]} {d.day}, {d.year}", "|".join(x["entry"]),
                                                "Yes" if x["midyear"] else "No", x["hours"]]
    return _plant_sentinels(rng, rows, start, 2, 2)


def subgroup_ratings(rng, rows, by_id, levels, not_rated, suppressed):
    """Append SWD / EL / low-income ratings to [id, year, overall] rows (in place).

    A subgroup rating follows the overall one, usually a little lower. It is suppressed for the
    school in both years when fewer than 10 students are in the group (plus a few more, as agencies
    also suppress small tested groups), and now and then not reported (empty). Not-rated rows get
    three empty cells. Returns the number of suppressed cells.
    """
    hidden = {}
    for sid in sorted(by_id):
        counts = by_id[sid]["extra"]["counts"][1:]
        hidden[sid] = [n < 10 or rng.random() < 0.1 for n in counts]
    n_suppressed = 0
    for row in rows:
        if row[2] == not_rated:
            row += ["", "", ""]
            continue
        overall = levels.index(row[2])
        for is_hidden in hidden[row[0]]:
            lvl = min(len(levels) - 1, max(0, overall + round(rng.gauss(-0.4, 0.8))))
            cell = suppressed if is_hidden else "" if rng.random() < 0.04 else levels[lvl]
            n_suppressed += cell == suppressed
            row.append(cell)
    return n_suppressed
