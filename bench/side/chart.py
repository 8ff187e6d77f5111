"""Draws the chart of a custdb-bench-side run from its TSV file.

usage: chart.py TABLE.tsv CHART.png

Three panels: the p50 latency of each operation per system (log scale),
the bulk load rate, and the peak resident memory of each operation (the
dashed line is 256 MiB).
"""

import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SYSTEMS = [
    ("custdb", "custdb"),
    ("custdb-small", "custdb, small cache"),
    ("sqlite", "SQLite"),
    ("postgres", "PostgreSQL 15"),
    ("rocksdb", "RocksDB floor"),
]
OPS = [
    ("create_sync", "create, sync"),
    ("create_nosync", "create, no sync"),
    ("get_id", "get by id"),
    ("get_phone", "by phone"),
    ("get_email", "by email"),
    ("list_page", "list page"),
    ("name_prefix", "name prefix"),
    ("phone_last4", "last 4 digits"),
    ("duplicates", "duplicates"),
    ("merge", "merge"),
    ("timeline_page", "timeline page"),
]


def read(path):
    rows = {}
    customers = 0
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            rows[(row["system"], row["op"])] = row
            customers = int(row["customers"])
    return rows, customers


def bars(axis, rows, field, ops, systems, log):
    width = 0.8 / len(systems)
    for i, (key, name) in enumerate(systems):
        xs, ys = [], []
        for j, (op, _) in enumerate(ops):
            row = rows.get((key, op))
            if row is None or float(row[field]) <= 0:
                continue
            xs.append(j + (i - (len(systems) - 1) / 2) * width)
            ys.append(float(row[field]))
        if xs:
            axis.bar(xs, ys, width, label=name)
    axis.set_xticks(range(len(ops)))
    axis.set_xticklabels([label for _, label in ops], rotation=30, ha="right")
    if log:
        axis.set_yscale("log")
    axis.grid(axis="y", alpha=0.3)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: chart.py TABLE.tsv CHART.png")
    rows, customers = read(sys.argv[1])
    present = [s for s in SYSTEMS if any(k[0] == s[0] for k in rows)]
    figure, (latency, load, memory) = plt.subplots(
        3, 1, figsize=(12, 13), gridspec_kw={"height_ratios": [3, 1.2, 2]}
    )
    figure.suptitle(f"custdb side by side, {customers:,} customers")

    bars(latency, rows, "p50_ms", OPS, present, log=True)
    latency.set_ylabel("p50 ms per call (log)")
    latency.legend(ncol=len(present), fontsize="small")

    loaders = [s for s in present if (s[0], "load") in rows]
    rates = [float(rows[(s[0], "load")]["customers_per_s"]) for s in loaders]
    kept = [(s, r) for s, r in zip(loaders, rates) if r > 0]
    load.barh([s[1] for s, _ in kept], [r for _, r in kept])
    for y, (_, rate) in enumerate(kept):
        load.text(rate, y, f" {rate:,.0f}/s", va="center", fontsize="small")
    load.set_xlim(0, max([r for _, r in kept] + [1]) * 1.15)
    load.set_xlabel("bulk load, customers a second")
    load.grid(axis="x", alpha=0.3)

    bars(memory, rows, "peak_mib", [("load", "load")] + OPS, present, log=False)
    memory.set_ylabel("peak resident MiB")
    memory.axhline(256, color="grey", linestyle="--", linewidth=1)

    figure.tight_layout()
    figure.savefig(sys.argv[2], dpi=100)


if __name__ == "__main__":
    main()
