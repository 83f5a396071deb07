"""Throughput of the rule-based quick-add parser on a mixed corpus of realistic phrases."""

# Run from the repository root: PYTHONPATH=shared python bench/bench_quickadd.py [--rounds N]

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from taskai.domain.quickadd import parse

TZ = "America/New_York"
NOW = datetime(2031, 1, 15, 10, 0, tzinfo=ZoneInfo(TZ))
CORPUS = (
    "Buy milk",
    "Buy milk tomorrow",
    "Call mom tomorrow at 5pm",
    "Dentist next friday at 9:30am",
    "Submit report by friday eod #work !high",
    "Pay rent every month on the 1st at 9am #home !high remind me 1 day before",
    "Gym every monday and thursday at 7am #health !high",
    "Standup every weekday at 9:30 #work",
    "water plants every! 3 days",
    "Team lunch every last friday at noon",
    '"Meet on friday" tomorrow',
    "Read every chapter of the book",
    "Check https://x.com/a#b before the meeting",
    "Email bob@example.com about #budget p2",
    "Flight on march 3 at 6:45am remind me 2 hours before",
    "Renew passport in 3 days",
    "Check the oven in 30 minutes",
    "Plan party this weekend // bring snacks and drinks",
    "Launch 2031-01-31 !!!",
    "Fix bug asap",
    "Review monday report",
    "Taxes annually",
    "Birthday every march 3",
    "Clean garage next week #home",
    "Water the garden every evening",
    "Pay invoice due 3/15",
    "Party on feb 30",
    "Convert mp3 files to flac",
    "Buy gift remind me tomorrow at 9",
    "Call the plumber tonight",
)


def measure(rounds: int) -> list[int]:
    """Parse the corpus ``rounds`` times and return each phrase's duration in nanoseconds."""
    clock = time.perf_counter_ns
    durations: list[int] = []
    for _ in range(rounds):
        for text in CORPUS:
            start = clock()
            parse(text, now=NOW, tz=TZ)
            durations.append(clock() - start)
    return durations


def main() -> None:
    """Warm up, measure, and print phrases per second and the p99 latency."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=1000, help="passes over the corpus")
    rounds = parser.parse_args().rounds
    measure(20)
    started = time.perf_counter()
    durations = measure(rounds)
    elapsed = time.perf_counter() - started
    p99 = statistics.quantiles(durations, n=100)[98] / 1000
    print(f"phrases: {len(durations)} ({len(CORPUS)} distinct) in {elapsed:.2f} s")
    print(f"throughput: {len(durations) / elapsed:,.0f} phrases/second")
    print(f"per phrase: mean {statistics.fmean(durations) / 1000:.1f} us, p99 {p99:.1f} us")


if __name__ == "__main__":
    main()
