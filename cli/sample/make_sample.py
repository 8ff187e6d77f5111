#!/usr/bin/env python3
"""Makes the sample customers of the custdb tool's main job.

python3 cli/sample/make_sample.py [--customers N] [--seed S] [--out FILE]

runs the benchmark's generator (bench/gen/generate.py: realistic US
customers with planted duplicates) and turns its records into JSON lines
that `custdb import --id-column ref` reads: one customer per line with
its own fields, its tags, and arrays of contacts, locations and timeline
entries. The same (N, seed) always gives the same bytes.
"""

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GENERATOR = REPO / "bench" / "gen" / "generate.py"

TAGS = ["residential", "commercial", "maintenance plan", "warranty", "referral"]
SUMMARIES = {
    "Sms": [
        "Confirmed the appointment window",
        "Sent the technician's arrival time",
        "Asked to move the visit to next week",
    ],
    "Email": [
        "Sent the estimate for the repair",
        "Invoice paid, receipt sent",
        "Asked about the annual maintenance plan",
    ],
    "Call": [
        "Reported a leak under the kitchen sink",
        "Called about a noisy furnace",
        "Follow-up call after the visit",
    ],
    "AiSession": [
        "Booked a visit through the assistant",
        "Asked the assistant about opening hours",
    ],
}
# 2024-01-01T00:00:00Z and one year of milliseconds.
START_MS = 1704067200000
YEAR_MS = 365 * 24 * 3600 * 1000


def read_records(path):
    """Yields (ref, [(type, record), ...]) per customer, in file order."""
    ref, records = None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r, kind, text = line.rstrip("\n").split("\t", 2)
            if r != ref and ref is not None:
                yield ref, records
                records = []
            ref = r
            records.append((kind, json.loads(text)))
    if ref is not None:
        yield ref, records


def sample_line(ref, records, rng):
    draft = records[0][1]
    row = {"ref": ref}
    for field in (
        "kind",
        "first_name",
        "last_name",
        "company_name",
        "phone",
        "email",
        "source",
    ):
        if field in draft:
            row[field] = (
                draft[field].lower() if field in ("kind", "source") else draft[field]
            )
    if draft.get("vip"):
        row["vip"] = True
    if rng.random() < 0.3:
        row["tags"] = sorted(rng.sample(TAGS, rng.randint(1, 2)))
    contacts = []
    if "primary_contact" in draft:
        contacts.append(draft["primary_contact"])
    locations = []
    for kind, record in records[1:]:
        if kind == "ContactDraft":
            contacts.append(record)
        elif kind == "LocationDraft":
            locations.append(record)
    if contacts:
        row["contacts"] = contacts
    if locations:
        row["locations"] = locations
    timeline = []
    for n in range(rng.choice([0, 1, 1, 2, 3])):
        channel = rng.choice(list(SUMMARIES))
        timeline.append(
            {
                "channel": channel,
                "direction": rng.choice(["Inbound", "Outbound"]),
                "occurred_at_ms": START_MS + rng.randrange(YEAR_MS),
                "summary": rng.choice(SUMMARIES[channel]),
                "external_ref": "%s-%d" % (ref, n + 1),
            }
        )
    if timeline:
        row["timeline"] = timeline
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--out", default=str(REPO / "cli" / "sample" / "customers-10k.jsonl")
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                str(GENERATOR),
                "--customers",
                str(args.customers),
                "--seed",
                str(args.seed),
                "--out",
                tmp,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with open(args.out, "w", encoding="utf-8", newline="\n") as out:
            for ref, records in read_records(Path(tmp) / "customers.tsv"):
                out.write(sample_line(ref, records, rng) + "\n")


if __name__ == "__main__":
    main()
