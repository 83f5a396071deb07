"""Throughput of the rule-based quick-add parser on a mixed corpus of realistic phrases."""

# Run from the repository root: PYTHONPATH=shared python bench/bench_quickadd.py [--rounds N]
# [--language en|de|es|fr]; without --language every language is measured in turn.

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from taskai.domain.quickadd import parse

TZ = "America/New_York"
NOW = datetime(2031, 1, 15, 10, 0, tzinfo=ZoneInfo(TZ))
ENGLISH = (
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
    "Dentist the day after tomorrow",
    "Train tomorrow at half past 6pm",
    "Pay invoice end of month",
    "Gym sat 10am",
    "Webinar tomorrow 5pm PST",
    "Standup daily except weekends",
    "Meet the 15th of next month",
)
GERMAN = (
    "Milch kaufen",
    "Zahnarzt übermorgen um 17 Uhr",
    "Anruf morgen um halb 7",
    "Rechnung bezahlen Ende des Monats",
    "Sport jeden Montag und Donnerstag um 7 Uhr #gesundheit !hoch",
    "Standup werktags außer freitags um 9:30",
    "Treffen am 15. nächsten Monats",
    "Miete zahlen jeden Monat am 1. um 9 Uhr erinnere mich 1 Tag vorher",
    "Arzt am 3. März",
    "Anruf nächsten Freitag",
    "Webinar morgen 17 Uhr UTC",
    "Fenster putzen am Wochenende // und Rahmen",
)
SPANISH = (
    "Comprar leche",
    "Dentista pasado mañana a las 5 de la tarde",
    "Llamar a mi madre mañana a las 6 y media",
    "Pagar factura a fin de mes",
    "Gimnasio todos los lunes a las 7 #salud !alta",
    "Reunión diaria excepto los fines de semana",
    "Reunión el 15 del mes que viene",
    "Pagar alquiler el día 1 de cada mes a las 9 recuérdame 1 día antes",
    "Cita el 3 de marzo",
    "Comprar pan el próximo viernes",
    "Webinar mañana a las 17:00 UTC",
    "Llamar en 3 días",
)
FRENCH = (
    "Acheter du pain",
    "Dentiste après-demain à 17h",
    "Appeler maman demain à 18h30",
    "Payer la facture à la fin du mois",
    "Sport tous les lundis à 7h #santé !haute",
    "Réunion tous les jours sauf le week-end",
    "Réunion le 15 du mois prochain",
    "Payer le loyer le 1er de chaque mois à 9h rappelle-moi 1 jour avant",
    "Rendez-vous le 3 mars",
    "Courses vendredi prochain",
    "Webinaire demain à 17h UTC",
    "Appeler dans 3 jours",
)
CORPORA = {"en": ENGLISH, "de": GERMAN, "es": SPANISH, "fr": FRENCH}


def measure(rounds: int, language: str) -> list[int]:
    """Parse a language's corpus ``rounds`` times; return each phrase's duration in ns."""
    clock = time.perf_counter_ns
    durations: list[int] = []
    corpus = CORPORA[language]
    for _ in range(rounds):
        for text in corpus:
            start = clock()
            parse(text, now=NOW, tz=TZ, language=language)
            durations.append(clock() - start)
    return durations


def main() -> None:
    """Warm up, measure, and print phrases per second and the p99 latency per language."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=1000, help="passes over each corpus")
    parser.add_argument("--language", choices=sorted(CORPORA), help="only this language")
    options = parser.parse_args()
    for language in [options.language] if options.language else list(CORPORA):
        report(language, options.rounds)


def report(language: str, rounds: int) -> None:
    """Measure one language and print its figures."""
    measure(20, language)
    started = time.perf_counter()
    durations = measure(rounds, language)
    elapsed = time.perf_counter() - started
    p99 = statistics.quantiles(durations, n=100)[98] / 1000
    distinct = len(CORPORA[language])
    print(f"[{language}] phrases: {len(durations)} ({distinct} distinct) in {elapsed:.2f} s")
    print(f"[{language}] throughput: {len(durations) / elapsed:,.0f} phrases/second")
    mean = statistics.fmean(durations) / 1000
    print(f"[{language}] per phrase: mean {mean:.1f} us, p99 {p99:.1f} us")


if __name__ == "__main__":
    main()
