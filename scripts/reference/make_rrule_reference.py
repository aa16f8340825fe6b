#!/usr/bin/env python3
"""Reference occurrences of RFC 5545 recurrence rules, computed with
python-dateutil's rrule (an independent implementation of RFC 5545) in
real time zones (zoneinfo), for greenlight's recurring freezes.

Writes JSON to stdout (run.sh stores it as tests/data/window/rrule_reference.json);
src/window/freeze.rs's tests read it. Each case: the rule, its first
start as a local date-time in its zone, a range, and every occurrence
start in the range as a UTC instant. The starts are chosen outside DST
gaps (where "the same wall time" does not exist), and the ranges cross
DST transitions in both directions.
"""

import json
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import dateutil
from dateutil.rrule import rrulestr

CASES = [
    ("FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "2020-01-01T00:00:00", "America/New_York", "2024-01-01", "2031-01-01"),
    ("FREQ=MONTHLY;BYDAY=-1FR", "2026-01-01T18:00:00", "Europe/London", "2026-01-01", "2027-06-01"),
    ("FREQ=WEEKLY;BYDAY=SU", "2026-01-04T01:30:00", "Europe/London", "2026-03-01", "2026-11-15"),
    ("FREQ=DAILY;INTERVAL=3", "2026-03-01T02:30:00", "Australia/Sydney", "2026-03-20", "2026-04-20"),
    ("FREQ=MONTHLY;BYMONTHDAY=31", "2026-01-31T12:00:00", "Asia/Kolkata", "2026-01-01", "2027-01-01"),
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "2024-02-29T00:00:00", "UTC", "2024-01-01", "2037-01-01"),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;COUNT=20", "2026-03-02T09:30:00", "America/Chicago", "2026-01-01", "2027-01-01"),
    ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "2026-01-01T17:00:00", "Australia/Lord_Howe", "2026-01-01", "2027-01-01"),
    ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24,25,26", "2020-12-24T00:00:00", "Europe/Berlin", "2025-01-01", "2029-01-01"),
    ("FREQ=DAILY;UNTIL=20261110T000000Z", "2026-10-20T03:00:00", "America/Santiago", "2026-10-01", "2026-12-01"),
]


def main():
    out = {
        "generated_by": "scripts/reference/make_rrule_reference.py",
        "versions": {"dateutil": dateutil.__version__, "python": sys.version.split()[0]},
        "cases": [],
    }
    for rule, start, tz, lo, hi in CASES:
        zone = ZoneInfo(tz)
        dtstart = datetime.fromisoformat(start).replace(tzinfo=zone)
        r = rrulestr(rule, dtstart=dtstart)
        lo_dt = datetime.fromisoformat(lo).replace(tzinfo=timezone.utc)
        hi_dt = datetime.fromisoformat(hi).replace(tzinfo=timezone.utc)
        starts = [d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                  for d in r.between(lo_dt, hi_dt, inc=True)]
        out["cases"].append({"rule": rule, "start": start, "tz": tz,
                             "from": lo_dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                             "to": hi_dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                             "starts": starts})
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
