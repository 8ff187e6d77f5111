#!/usr/bin/env python3
"""End-to-end tests of the custdb command-line tool.

python3 tests/cli_test.py PATH_TO_CUSTDB SCRATCH_DIR

Runs the binary as a user would, on files it writes into SCRATCH_DIR, and
checks its output and exit codes, malformed input among them; after each
import, `custdb check` must find the store consistent.
"""

import csv
import io
import json
import os
import shutil
import subprocess
import sys

OK, USAGE, NOT_FOUND, INVALID, STORAGE, CONFLICT, INCONSISTENT, CANCELLED = (
    0,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
)

failures = []


def run(*args, store=None, stdin=None, expect=OK):
    env = dict(os.environ)
    env.pop("CUSTDB_STORE", None)
    command = [CUSTDB]
    if store is not None:
        command += ["--store", store]
    command += list(args)
    p = subprocess.run(command, input=stdin, capture_output=True, env=env, timeout=120)
    if expect is not None and p.returncode != expect:
        failures.append(
            "%s: exit %d, expected %d\nstdout: %s\nstderr: %s"
            % (
                " ".join(args),
                p.returncode,
                expect,
                p.stdout.decode(errors="replace")[-2000:],
                p.stderr.decode(errors="replace")[-2000:],
            )
        )
    return p


def check(condition, what):
    if not condition:
        failures.append(what)


def text(p):
    return p.stdout.decode("utf-8")


def consistent(store):
    p = run("check", "--format", "json", store=store)
    report = json.loads(text(p))
    check(report.get("issues", []) == [], "check found issues: %s" % report)


def write(name, data):
    path = os.path.join(SCRATCH, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def report_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_usage_and_version():
    p = run("version")
    check(text(p).startswith("custdb "), "version prints its name")
    v = json.loads(text(run("version", "--format", "json")))
    check(set(v) == {"tool", "library"}, "version json has tool and library")
    run(expect=USAGE)
    run("frobnicate", expect=USAGE)
    run("list", "--no-such-option", "1", store=os.path.join(SCRATCH, "x"), expect=USAGE)
    run("stats", "--format", "yaml", expect=USAGE)
    p = run("help", "import")
    check("--id-column" in text(p), "help import documents --id-column")
    p = run("help", "list")
    check("--search" in text(p), "help list documents search")


def test_missing_store():
    missing = os.path.join(SCRATCH, "missing-store")
    p = run("stats", store=missing, expect=STORAGE)
    check(b"custdb init" in p.stderr, "a missing store points at init")
    check(not os.path.exists(missing), "a read command creates no store")


def test_csv_import(store):
    rows = [
        b"id,first_name,last_name,company_name,phone,email,tags,"
        b"address_line1,city,state,zip,access_notes",
        # 2: a plain row with tags and an address
        b"a1,Maria,Garcia,,(415) 867-5309,maria@example.com,vip;plumbing,"
        b"12 Main St,San Francisco,CA,94107,",
        # 3-4: quoted fields with a comma, doubled quotes and a line break
        b'a2,,,"Harbor Grill, ""The Pier""",415-555-0100,,,"1 Pier, Suite 2",'
        b'San Francisco,CA,94111,"ring twice\nback door"',
        # 5: the same switchboard, a different business
        b"a3,,,Sakura Sushi,415-555-0100,,,,,,,",
        # 6: an invalid phone
        b"a4,Bad,Phone,,555-01,,,,,,,",
        # 7: too few columns
        b"a5,Short,Row",
        # 8: bytes that are not UTF-8
        b"a6,Jos\xe9,Ruiz,,415-555-0144,,,,,,,",
        # 9: a quote inside an unquoted field
        b'a7,Ann"ie,Lee,,415-555-0145,,,,,,,',
        # 10: text after a closing quote
        b'a8,"Ann"x,Lee,,415-555-0146,,,,,,,',
        # 11: same phone as row 2 with an agreeing name
        b"a9,maria,GARCIA,,415.867.5309,,,,,,,",
        # 12: an address missing its ZIP
        b"a10,Cy,Young,,415-555-0147,,,9 Elm St,Oakland,CA,,",
        # 13: a valid row after all of that
        b"a11,Dana,Wu,,415-555-0148,dana@example.com,,,,,,",
    ]
    data = b"\r\n".join(rows) + b"\r\n"
    path = write("people.csv", data)
    report = os.path.join(SCRATCH, "report.csv")
    p = run(
        "import",
        path,
        "--id-column",
        "id",
        "--report",
        report,
        store=store,
        expect=INVALID,
    )
    check(b"\r" not in p.stderr, "no progress bar when not on a terminal")
    err = p.stderr.decode("utf-8")
    for line, reason in [
        (6, "phone:"),
        (7, "row: 3 columns where the header has 12"),
        (8, "first_name: not valid UTF-8"),
        (9, "row: a quote inside an unquoted field"),
        (10, "row: text after the closing quote"),
        (12, "zip: required"),
    ]:
        check(
            "line %d: %s" % (line, reason) in err,
            "stderr names line %d and the rule: %s" % (line, err),
        )
    check(
        "867-5309" not in err and "Garcia" not in err,
        "messages never quote the input",
    )
    rows = report_rows(report)
    outcomes = {r["source_id"]: r["outcome"] for r in rows if r["source_id"]}
    check(
        rows[0].keys() == {"row", "source_id", "customer_id", "outcome", "reason"},
        "report columns",
    )
    check(
        [r["row"] for r in rows]
        == ["2", "3", "5", "6", "7", "8", "9", "10", "11", "12", "13"],
        "report rows are line numbers: %s" % [r["row"] for r in rows],
    )
    check(outcomes.get("a1") == "created", "a1 created")
    check(outcomes.get("a2") == "created", "a2 created")
    check(
        outcomes.get("a3") == "created",
        "a different business behind one switchboard is created",
    )
    check(outcomes.get("a4") == "rejected", "invalid phone rejected")
    check(outcomes.get("a9") == "existing", "an agreeing name is matched")
    check(outcomes.get("a11") == "created", "the row after errors is imported")
    by_id = {r["source_id"]: r for r in rows}
    check(
        by_id["a9"]["customer_id"] == by_id["a1"]["customer_id"],
        "the matched row names the customer it matched",
    )
    summary = json.loads(text(run("stats", "--format", "json", store=store)))
    check(summary["total"] == "4", "four customers: %s" % summary)
    check(summary["companies"] == "2", "two companies")
    consistent(store)

    # The pair behind the switchboard shows as duplicates.
    grill = by_id["a2"]["customer_id"]
    sushi = by_id["a3"]["customer_id"]
    p = run("dupes", grill, "--format", "csv", store=store)
    lines = text(p).splitlines()
    check(
        lines[0] == "customer_id,duplicate_id,confidence,score,reasons",
        "dupes csv header",
    )
    check(
        any(l.startswith("%s,%s,medium," % (grill, sushi)) for l in lines),
        "the switchboard pair is a medium duplicate: %s" % lines,
    )
    p = run("dupes", "--all", "--format", "csv", store=store)
    check(len(text(p).splitlines()) >= 2, "the report lists the pair")

    # The quoted fields came through whole.
    show = json.loads(text(run("show", grill, "--format", "json", store=store)))
    check(
        show["customer"]["company_name"] == 'Harbor Grill, "The Pier"',
        "quotes and commas kept",
    )
    location = show["locations"][0]
    check(location["address_line1"] == "1 Pier, Suite 2", "a quoted comma")
    check(
        location["access_notes"] == "ring twice\nback door",
        "a quoted line break is kept: %s" % location,
    )

    # Importing again updates nothing and creates nothing.
    report2 = os.path.join(SCRATCH, "report2.csv")
    run(
        "import",
        path,
        "--id-column",
        "id",
        "--report",
        report2,
        store=store,
        expect=INVALID,
    )
    again = {
        r["source_id"]: r["outcome"] for r in report_rows(report2) if r["source_id"]
    }
    check(
        "created" not in again.values(), "a second import creates nothing: %s" % again
    )
    summary = json.loads(text(run("stats", "--format", "json", store=store)))
    check(summary["total"] == "4", "still four customers")

    # A changed row updates its customer.
    changed = data.replace(b"a11,Dana,Wu", b"a11,Dana,Wu-Lee")
    path2 = write("people2.csv", changed)
    report3 = os.path.join(SCRATCH, "report3.csv")
    run(
        "import",
        path2,
        "--id-column",
        "id",
        "--report",
        report3,
        store=store,
        expect=INVALID,
    )
    updated = {r["source_id"]: r["outcome"] for r in report_rows(report3)}
    check(updated.get("a11") == "updated", "a changed row updates")
    consistent(store)
    return by_id


def test_mapping(store):
    data = (
        "Customer #,Given,Family,Mobile,Street,Town,St,Postcode\n"
        "m1,Eve,Stone,510-555-0190,5 Oak Ave,Berkeley,ca,94704\n"
    ).encode()
    path = write("mapped.csv", data)
    args = ["import", path, "--id-column", "Customer #"]
    for field, column in [
        ("first_name", "Given"),
        ("last_name", "Family"),
        ("phone", "Mobile"),
        ("address_line1", "Street"),
        ("city", "Town"),
        ("state", "St"),
        ("zip", "Postcode"),
    ]:
        args += ["--map", "%s=%s" % (field, column)]
    run(*args, store=store)
    p = run("list", "--format", "csv", store=store)
    check("Eve Stone" in text(p), "a mapped row is listed")
    run("import", path, "--map", "phone=Nope", store=store, expect=USAGE)
    run("import", path, "--map", "colour=Given", store=store, expect=USAGE)
    # Without a phone column the file is refused as a whole.
    run("import", path, store=store, expect=INVALID)


def test_bad_files(store):
    before = text(run("stats", "--format", "csv", store=store))
    run("import", write("empty.csv", b""), store=store, expect=INVALID)
    run("import", write("blank.csv", b"\n\n"), store=store, expect=INVALID)
    binary = bytes(range(256)) * 64
    p = run("import", write("binary.csv", binary), store=store, expect=INVALID)
    check(b"header" in p.stderr, "a file that is not CSV is refused")
    run("import", os.path.join(SCRATCH, "nope.csv"), store=store, expect=NOT_FOUND)
    unclosed = b'first_name,phone\n"Ann,415-555-0170\nBo,415-555-0171\n'
    p = run("import", write("unclosed.csv", unclosed), store=store, expect=INVALID)
    check(
        b"line 2: row: a quoted field is not closed" in p.stderr,
        "an unclosed quote is reported: %s" % p.stderr,
    )
    after = text(run("stats", "--format", "csv", store=store))
    check(before == after, "refused files change nothing")
    consistent(store)


def test_jsonl(store):
    lines = [
        json.dumps(
            {
                "ref": "j1",
                "kind": "company",
                "company_name": "Bayview Plumbing",
                "phone": "628-555-0199",
                "tags": ["commercial"],
                "contacts": [{"first_name": "Dana", "last_name": "Wu"}],
                "timeline": [
                    {
                        "channel": "Sms",
                        "direction": "Inbound",
                        "occurred_at_ms": 1700000000000,
                        "summary": "hello",
                        "external_ref": "j1-1",
                    }
                ],
            }
        ),
        "{not json",
        json.dumps(["an", "array"]),
        json.dumps({"ref": "j4", "first_name": "Lee", "phone": "nope"}),
        "",
        json.dumps(
            {
                "ref": "j6",
                "first_name": "Kim",
                "last_name": "Park",
                "phone": "628-555-0123",
            }
        ),
    ]
    path = write("rows.jsonl", ("\n".join(lines) + "\n").encode())
    report = os.path.join(SCRATCH, "jsonl-report.csv")
    p = run(
        "import",
        path,
        "--id-column",
        "ref",
        "--report",
        report,
        store=store,
        expect=INVALID,
    )
    err = p.stderr.decode()
    check("line 2: row: json:" in err, "bad json names its line: %s" % err)
    check("line 3: row: not a JSON object" in err, "an array is refused")
    check("line 4: phone:" in err, "an invalid phone names its line")
    rows = {r["source_id"]: r for r in report_rows(report) if r["source_id"]}
    check(rows["j1"]["outcome"] == "created", "j1 created")
    check(rows["j6"]["outcome"] == "created", "j6 created")
    show = json.loads(
        text(run("show", rows["j1"]["customer_id"], "--format", "json", store=store))
    )
    check(
        len(show["contacts"]) == 1 and show["contacts"][0]["primary"],
        "the line's contact is its primary",
    )
    check(len(show["timeline"]) == 1, "the line's timeline entry")
    check(show["tags"] == "commercial", "the line's tags")
    consistent(store)


def test_list_show_export(store):
    p = run("list", store=store)
    header = text(p).splitlines()[0]
    check(header.split()[:3] == ["ID", "NO", "NAME"], "human header")
    rows = list(
        csv.DictReader(io.StringIO(text(run("list", "--format", "csv", store=store))))
    )
    check(
        list(rows[0].keys())
        == [
            "id",
            "number",
            "name",
            "kind",
            "phone",
            "status",
            "last_activity",
            "vip",
            "do_not_contact",
        ],
        "list csv columns",
    )
    names = [r["name"] for r in rows]
    check(names == sorted(names, key=str.lower), "sorted by name")
    companies = run("list", "--kind", "company", "--format", "json", store=store)
    for line in text(companies).splitlines():
        check(json.loads(line)["kind"] == "company", "kind filter")
    tagged = text(run("list", "--tag", "VIP", "--format", "csv", store=store))
    check("Maria Garcia" in tagged and "Dana" not in tagged, "tag filter")
    found = text(run("list", "--search", "mar gar", "--format", "csv", store=store))
    check("Maria Garcia" in found and "Dana" not in found, "search by name")
    found = text(
        run("list", "--search", "(415) 867-5309", "--format", "csv", store=store)
    )
    check("Maria Garcia" in found, "search by phone")
    found = text(run("list", "--search", "5309", "--format", "csv", store=store))
    check("Maria Garcia" in found, "search by the last four digits")
    found = text(run("list", "--search", "dana@", "--format", "csv", store=store))
    check("Dana Wu" in found, "search by email: %s" % found)
    run("list", "--search", "x" * 300, store=store, expect=INVALID)
    run("list", "--sort", "colour", store=store, expect=USAGE)
    run("show", "999999", store=store, expect=NOT_FOUND)
    run("show", "abc", store=store, expect=USAGE)
    run("list", "--account", "2", store=store)

    out = os.path.join(SCRATCH, "export.csv")
    run("export", out, store=store)
    with open(out, newline="", encoding="utf-8") as f:
        exported = list(csv.DictReader(f))
    total = int(
        json.loads(text(run("stats", "--format", "json", store=store)))["total"]
    )
    check(len(exported) == total, "export writes every customer")
    check(any(r["source_id"] == "a1" for r in exported), "export shows the source id")
    jl = text(run("export", "--format", "json", store=store)).splitlines()
    check(len(jl) == total, "json export, one line per customer")
    check(all("contacts" in json.loads(l) for l in jl), "with contacts")
    # An export imports into a new store as the same customers.
    fresh = os.path.join(SCRATCH, "reimported")
    run("init", store=fresh)
    run("import", out, "--id-column", "source_id", store=fresh)
    again = json.loads(text(run("stats", "--format", "json", store=fresh)))
    check(int(again["total"]) == total, "an export imports whole")
    consistent(fresh)

    # Every account of the store, each line with its account first.
    run(
        "add",
        "customer",
        "--first-name",
        "Ines",
        "--phone",
        "206-555-0188",
        "--account",
        "7",
        store=store,
    )
    everything = list(
        csv.DictReader(io.StringIO(text(run("export", "--all-accounts", store=store))))
    )
    check(list(everything[0].keys())[0] == "account", "all accounts: account first")
    by_account = {}
    for r in everything:
        by_account[r["account"]] = by_account.get(r["account"], 0) + 1
    check(by_account.get("1") == total, "all accounts: account 1 whole")
    check(by_account.get("7") == 1, "all accounts: account 7: %s" % by_account)
    check(
        [int(a) for a in by_account] == sorted(int(a) for a in by_account),
        "all accounts in account order",
    )
    lines = text(
        run("export", "--all-accounts", "--format", "json", store=store)
    ).splitlines()
    check(
        any(json.loads(l)["account"] == "7" for l in lines),
        "json lines name the account",
    )
    run("export", "--all-accounts", "--account", "2", store=store, expect=USAGE)


def test_add_edit_tag(store):
    p = run(
        "add",
        "customer",
        "--first-name",
        "Omar",
        "--last-name",
        "Haddad",
        "--phone",
        "707-555-0101",
        "--email",
        "omar@example.com",
        "--format",
        "json",
        store=store,
    )
    omar = json.loads(text(p))["id"]
    p = run(
        "add",
        "customer",
        "--first-name",
        "omar",
        "--last-name",
        "haddad",
        "--phone",
        "(707) 555-0101",
        store=store,
    )
    check("already existed" in text(p), "add finds the same phone and name")
    run(
        "add",
        "customer",
        "--first-name",
        "X",
        "--phone",
        "12",
        store=store,
        expect=INVALID,
    )
    run(
        "add",
        "customer",
        "--kind",
        "robot",
        "--phone",
        "707-555-0102",
        store=store,
        expect=INVALID,
    )
    oid = str(omar)
    run(
        "add",
        "contact",
        oid,
        "--first-name",
        "Lina",
        "--phone",
        "707-555-0103",
        "--preferred-channel",
        "sms",
        store=store,
    )
    run(
        "add",
        "location",
        oid,
        "--address-line1",
        "3 Vine St",
        "--city",
        "Napa",
        "--state",
        "CA",
        "--zip",
        "94558",
        store=store,
    )
    run(
        "add",
        "location",
        oid,
        "--address-line1",
        "3 Vine St",
        "--city",
        "Napa",
        "--state",
        "ZZ",
        "--zip",
        "94558",
        store=store,
        expect=INVALID,
    )
    run("add", "note", oid, "--body", "gate code 1234", store=store)
    run(
        "add",
        "timeline",
        oid,
        "--channel",
        "call",
        "--direction",
        "inbound",
        "--summary",
        "asked for a quote",
        store=store,
    )
    attachment = write("quote.txt", b"a quote\n" * 1000)
    run(
        "add",
        "file",
        oid,
        attachment,
        "--category",
        "contract",
        "--content-type",
        "text/plain",
        store=store,
    )
    run("add", "contact", "999999", "--first-name", "N", store=store, expect=NOT_FOUND)
    run(
        "edit",
        "customer",
        oid,
        "--vip",
        "--internal-notes",
        "prefers mornings",
        store=store,
    )
    run("edit", "customer", oid, "--kind", "company", store=store, expect=INVALID)
    run(
        "edit",
        "customer",
        oid,
        "--first-name",
        "Omar",
        "--expected-version",
        "1",
        store=store,
        expect=CONFLICT,
    )
    run("tag", oid, "Wine Country", "vip", store=store)
    show = json.loads(text(run("show", oid, "--format", "json", store=store)))
    c = show["customer"]
    check(c["vip"] is True, "edit set vip")
    check(show["tags"].lower().count("vip") == 1, "tags: %s" % show["tags"])
    check(
        len(show["contacts"]) == 2 and len(show["locations"]) == 1,
        "contact and location added",
    )
    check(len(show["notes"]) == 1 and len(show["files"]) == 1, "note and file added")
    check(len(show["timeline"]) == 1, "timeline entry added")
    run("tag", oid, "--remove", "Wine Country", store=store)
    p = run("tag", "--list", "--format", "csv", store=store)
    check("Wine Country,0" in text(p), "tag list with counts: %s" % text(p))
    consistent(store)
    return oid


def test_merge(store, by_id):
    grill = by_id["a2"]["customer_id"]
    sushi = by_id["a3"]["customer_id"]
    p = run("merge", grill, sushi, store=store, stdin=b"", expect=CANCELLED)
    check("merge customer %s" % sushi in text(p), "the preview is shown")
    p = run("merge", grill, sushi, "--format", "json", store=store)
    preview = json.loads(text(p))
    check(preview["survivor"]["id"] == int(grill), "json preview")
    run("merge", grill, grill, "--yes", store=store, expect=INVALID)
    run("merge", grill, sushi, "--yes", "--keep-contact", "duplicate", store=store)
    shown = json.loads(text(run("show", sushi, "--format", "json", store=store)))
    check(shown["customer"]["id"] == int(grill), "a merged id shows the survivor")
    run("merge", grill, sushi, "--yes", store=store, expect=NOT_FOUND)
    consistent(store)


def test_backup_restore(store):
    backup = os.path.join(SCRATCH, "backup")
    run("backup", backup, store=store)
    run("backup", backup, store=store, expect=INVALID)
    restored = os.path.join(SCRATCH, "restored")
    p = run("restore", backup, store=restored)
    check("check is clean" in text(p), "restore checks the copy")
    a = text(run("stats", "--format", "csv", store=store))
    b = text(run("stats", "--format", "csv", store=restored))
    check(a == b, "the restored store has the same counts")
    run("restore", backup, store=restored, expect=USAGE)
    run(
        "restore",
        os.path.join(SCRATCH, "no-backup"),
        store=os.path.join(SCRATCH, "r2"),
        expect=NOT_FOUND,
    )


def main():
    global CUSTDB, SCRATCH
    CUSTDB, SCRATCH = sys.argv[1], sys.argv[2]
    shutil.rmtree(SCRATCH, ignore_errors=True)
    os.makedirs(SCRATCH)
    store = os.path.join(SCRATCH, "store")
    test_usage_and_version()
    test_missing_store()
    p = run("init", store=store)
    check("created" in text(p), "init creates")
    by_id = test_csv_import(store)
    test_mapping(store)
    test_bad_files(store)
    test_jsonl(store)
    test_list_show_export(store)
    test_add_edit_tag(store)
    test_merge(store, by_id)
    test_backup_restore(store)
    for f in failures:
        print("FAILED: " + f)
    print("%d failures" % len(failures))
    if not failures:
        shutil.rmtree(SCRATCH, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
