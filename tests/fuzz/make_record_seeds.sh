#!/bin/sh
# Writes the seeds of tests/fuzz/corpus/records: drafts as FlatBuffers,
# made from JSON by flatc against the schema, and a few JSON texts as they
# are (custdb_record_from_json reads the same bytes). Run once from the
# repository's root; the output is committed.
set -eu
out=tests/fuzz/corpus/records
schema=engine/schema/custdb.fbs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

seed() {  # seed TABLE JSON: the binary of JSON as TABLE
  n=$((n + 1))
  printf '%s\n' "$2" >"$tmp/seed.json"
  flatc -b --root-type "custdb.fb.$1" -o "$tmp" "$schema" "$tmp/seed.json"
  mv "$tmp/seed.bin" "$out/$(printf 'draft-%02d' "$n")"
}

text() {  # text JSON: the JSON itself
  n=$((n + 1))
  printf '%s' "$1" >"$out/$(printf 'json-%02d' "$n")"
}

mkdir -p "$out"
seed CustomerDraft '{"kind": "Individual", "first_name": "Maria", "last_name": "García", "phone": "(415) 867-5309", "email": "maria.garcia@example.com", "source": "Referral"}'
seed CustomerDraft '{"kind": "Individual", "first_name": "James", "last_name": "O'"'"'Brien", "phone": "415.555.0134", "vip": true}'
seed CustomerDraft '{"kind": "Company", "company_name": "Bayview Plumbing & Sons, Inc.", "phone": "+1 628 555 0199", "email": "office@bayviewplumbing.example", "primary_contact": {"first_name": "Dana", "last_name": "Wu", "email": "dana@bayviewplumbing.example"}, "source": "Storefront"}'
seed CustomerDraft '{"kind": "Company", "company_name": "Acme", "phone": "4158675309"}'
seed CustomerDraft '{"kind": "Individual", "first_name": "Zoë", "phone": "212 555 0100", "do_not_contact": true, "do_not_contact_reason": "asked twice", "internal_notes": "line one\nline two", "status": "Active"}'
seed CustomerDraft '{"kind": "Individual", "phone": "4158675309"}'
seed CustomerDraft '{"kind": "Individual", "first_name": "", "phone": ""}'
seed CustomerDraft '{"kind": "Company", "first_name": "Not", "company_name": "Both", "phone": "911"}'
seed ContactDraft '{"first_name": "Bo", "last_name": "Li", "phone": "628 555 0199", "email": "bo@example.com", "preferred_channel": "Sms", "primary": true}'
seed ContactDraft '{"first_name": "Dana"}'
seed ContactDraft '{"first_name": "Eve", "email": "not an email"}'
seed LocationDraft '{"kind": "Service", "label": "Home", "address_line1": "123 North Main Street", "address_line2": "Apt. #5", "city": "San Francisco", "state": "ca", "zip": "941071234", "access_notes": "gate code\n1234", "parking_notes": "street", "service_notes": "dog"}'
seed LocationDraft '{"kind": "Billing", "address_line1": "PO Box 42", "city": "Juneau", "state": "AK", "zip": "99801"}'
seed LocationDraft '{"kind": "Unspecified", "address_line1": "1 Court St", "city": "Boston", "state": "Massachusetts", "zip": "2108"}'
text '{"kind": "Individual", "first_name": "Ada", "phone": "4158675309"}'
text '{"first_name": "Bo", "phone": "628 555 0199", "preferred_channel": "Email"}'
text '{"kind": "Mailing", "address_line1": "1 Infinite Loop", "city": "Cupertino", "state": "CA", "zip": "95014"}'
text '{"kind": "Individual", "first_name": "\u0000\ud800", "phone": "+1 415 867 5309"}'
text '{"first_name": "x", "unknown_field": 1}'
text '{"kind": 7, "phone": [1, 2]}'
text '{'
