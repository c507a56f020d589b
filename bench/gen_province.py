#!/usr/bin/python3
"""bench/gen_province.py — writes a generated province into a folder, for scripts/bench.

    gen_province.py OUTDIR [--units 1000] [--per-unit 50] [--period 2025-H1] [--seed 2025]
                           [--facts-parts N]

Writes OUTDIR/units.csv, OUTDIR/people.csv and OUTDIR/facts.csv in the shapes of the public
contract (DESIGN.md), with every fact of the 2025 ruleset for every unit and person of the
period (facts.csv; with --facts-parts N also facts-01.csv ... facts-NN.csv, the same rows
split by whole units). Deterministic for a given seed. Standard library only.

The tree: one department (SO) at the root; offices, public-service units and districts under
it; the rest of the units under the districts. Every unit has exactly one head (its first
member). Values are mostly good with a realistic share of shortfalls, so every criterion,
title and nomination path is exercised, not only the happy one.
"""
import argparse
import csv
import os
import random

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Thu", "Minh", "Ngọc", "Quang", "Thanh", "Bích"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hằng", "Hùng", "Lan", "Linh",
         "Long", "Mai", "Nam", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Thịnh", "Trang", "Tú",
         "Vy", "Yến"]
PLACES = ["Hòa Xuyên", "Tân Khê", "Đồng Vĩnh", "Phước Lâm", "Ân Thạnh", "Bình Sơn",
          "Quảng Điền", "Long Mỹ", "Thạch An", "Cẩm Giang"]
MOBILE_PREFIXES = ["03", "05", "07", "08", "09"]
RATINGS = ["HTXS", "HTT", "HT", "KHT"]
DISCIPLINE = ["none", "khien_trach", "canh_cao", "ha_bac", "cach_chuc", "buoc_thoi_viec"]


def phone(rng):
    return rng.choice(MOBILE_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(8))


def weighted(rng, pairs):
    x = rng.random()
    for value, p in pairs:
        x -= p
        if x < 0:
            return value
    return pairs[-1][0]


def make_units(n):
    """[(code, name, parent, kind)]: 1 root, then offices, units and districts, rest below."""
    units = [("SO", "Sở Nông nghiệp và Môi trường tỉnh Mẫu", "", "department")]
    n_office = min(19, max(0, n - 1))
    n_unit = min(30, max(0, n - 1 - n_office))
    rest = max(0, n - 1 - n_office - n_unit)
    n_district = min(50, rest)
    below = rest - n_district
    for i in range(1, n_office + 1):
        units.append((f"P{i:02d}", f"Phòng chuyên môn số {i}", "SO", "office"))
    for i in range(1, n_unit + 1):
        units.append((f"DV{i:02d}", f"Trung tâm sự nghiệp số {i}", "SO", "unit"))
    districts = []
    for i in range(1, n_district + 1):
        code = f"H{i:03d}"
        districts.append(code)
        place = PLACES[(i - 1) % len(PLACES)]
        units.append((code, f"Phòng Nông nghiệp và Môi trường {place} {i}", "SO", "district"))
    for i in range(1, below + 1):
        parent = districts[(i - 1) % len(districts)] if districts else "SO"
        units.append((f"X{i:04d}", f"Trạm cơ sở số {i} ({parent})", parent, "unit"))
    return units


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--per-unit", type=int, default=50)
    ap.add_argument("--period", default="2025-H1")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--facts-parts", type=int, default=1,
                    help="also write facts.csv split by whole units into N files")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.outdir, exist_ok=True)
    units = make_units(args.units)

    with open(os.path.join(args.outdir, "units.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "parent_code", "kind", "email", "phone", "valid_from",
                    "valid_to"])
        for code, name, parent, kind in units:
            w.writerow([code, name, parent, kind, f"{code.lower()}@so.example.vn", phone(rng),
                        "2020-01-01", ""])

    people = []  # (code, unit)
    with open(os.path.join(args.outdir, "people.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "full_name", "unit_code", "position", "is_head", "email", "phone",
                    "hired_on"])
        n = 0
        for code, _, _, _ in units:
            for k in range(args.per_unit):
                n += 1
                pcode = f"CB{n:06d}"
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                position = "Trưởng đơn vị" if k == 0 else ("Phó trưởng đơn vị" if k < 3
                                                            else "Chuyên viên")
                hired = f"{rng.randrange(1990, 2025)}-{rng.randrange(1, 13):02d}-" \
                        f"{rng.randrange(1, 29):02d}"
                w.writerow([pcode, name, code, position, "1" if k == 0 else "0",
                            f"{pcode.lower()}@so.example.vn", phone(rng), hired])
                people.append((pcode, code))

    # Facts, grouped by unit: the unit's own rows, then its members' rows.
    members = {}
    for pcode, ucode in people:
        members.setdefault(ucode, []).append(pcode)
    p = args.period
    by_unit = []
    for code, _, _, _ in units:
        rows = []
        at = f"2025-06-{rng.randrange(1, 21):02d}"  # a few after the 15th: late
        assigned = rng.randrange(10, 120)
        done = assigned if rng.random() < 0.85 else rng.randrange(assigned // 2, assigned)
        legal = rng.randrange(0, 6)
        legal_done = legal if rng.random() < 0.9 else max(0, legal - 1)
        facts = [
            ("response_plan", "1" if rng.random() < 0.97 else "0"),
            ("work_programme_approved", "1" if rng.random() < 0.97 else "0"),
            ("tasks_assigned", assigned),
            ("tasks_completed", done),
            ("legal_docs_assigned", legal),
            ("legal_docs_completed", legal_done),
            ("restructuring_on_time", "1" if rng.random() < 0.95 else "0"),
            ("discipline_violations", 0 if rng.random() < 0.9 else rng.randrange(1, 4)),
            ("exemplary_models", rng.randrange(0, 8)),
            ("internal_solidarity", "1" if rng.random() < 0.97 else "0"),
            ("unit_rating", weighted(rng, [("HTXS", 0.25), ("HTT", 0.6), ("HT", 0.12),
                                           ("KHT", 0.03)])),
        ]
        for fact, value in facts:
            rows.append([p, "unit", code, fact, value, at])
        for pcode in members.get(code, []):
            facts = [
                ("rating", weighted(rng, [("HTXS", 0.2), ("HTT", 0.65), ("HT", 0.12),
                                          ("KHT", 0.03)])),
                ("months_worked", 6 if rng.random() < 0.95 else rng.randrange(0, 6)),
                ("initiatives", weighted(rng, [(0, 0.7), (1, 0.25), (2, 0.05)])),
                ("responsibility", "1" if rng.random() < 0.96 else "0"),
                ("obeys_assignment", "1" if rng.random() < 0.98 else "0"),
                ("movement_participation", "1" if rng.random() < 0.95 else "0"),
                ("discipline", weighted(rng, [("none", 0.97), ("khien_trach", 0.02),
                                              ("canh_cao", 0.01)])),
            ]
            for fact, value in facts:
                rows.append([p, "person", pcode, fact, value, ""])
        by_unit.append(rows)

    header = ["period", "subject", "code", "fact", "value", "submitted_at"]

    def write_facts(name, groups):
        with open(os.path.join(args.outdir, name), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            for rows in groups:
                w.writerows(rows)

    write_facts("facts.csv", by_unit)
    # The same rows split by whole units into N files (facts-01.csv ...), for an import in
    # parts: every file holds complete units (a unit's rows and its members' rows).
    n = max(1, args.facts_parts)
    if n > 1:
        size = -(-len(by_unit) // n)
        for k in range(n):
            write_facts(f"facts-{k + 1:02d}.csv", by_unit[k * size:(k + 1) * size])

if __name__ == "__main__":
    main()
