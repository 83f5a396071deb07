"""The phrasings of German, Spanish and French, each rewritten into the grammar's English.

Rules are tried in order and a piece of text is rewritten at most once, so the longer
phrasings come first ("pasado mañana" before "mañana", "de la mañana" before both).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .language_data import Replacement, Words, day_first

Rules = list[tuple[str, Replacement]]


def _hour_minus_one(match: re.Match[str], words: Words, minutes: int) -> str:
    """Render "halb 6" (5:30) and "6 menos cuarto" (5:45): the hour before, plus minutes."""
    hour = int(words.num(match["h"]))
    return f"at {(hour - 1) % 24 or 12}:{minutes:02d}"


def _clock(match: re.Match[str]) -> str:
    """Render "17 Uhr", "7h30" as a 24-hour clock: "7 Uhr" is 07:00, not a guess at 19:00."""
    return f"{int(match['h']):02d}:{match['m'] or '00'}"


def _markers(levels: dict[str, str]) -> tuple[str, Replacement]:
    """A rule for the language's priority markers, such as !hoch → !high."""
    names = "|".join(levels)
    return rf"(?<![\w!])!(?:{names})", lambda m: "!" + levels[m[0][1:].lower()]


def german(w: Words) -> Rules:
    """German phrasings ("jeden Montag", "halb 6", "!dringend") as ordered (regex, replacement)
    rules into English."""
    D, M, N, U = w.day, w.month, w.number, w.unit
    days = rf"{D}(?:(?: *, *| und | & ){D})*"
    return [
        _markers({"hoch": "high", "dringend": "urgent", "mittel": "medium", "niedrig": "low"}),
        (r'außer (?:am |an )?(?:wochenenden?|we)', "except weekends"),
        (rf"außer (?:am |an )?(?P<d>{days})s?", lambda m: f"except {w.english_days(m['d'])}"),
        (r"(?:jeden |an )werktag(?:en)?|werktags|wochentags|(?:von )?montag bis freitag",
         "every weekday"),
        (rf"jeden (?:zweiten|2\.) (?P<d>{D})", lambda m: f"every other {w.english_days(m['d'])}"),
        (rf"jeden letzten (?P<d>{D})(?: im monat| des monats)?",
         lambda m: f"every last {w.english_days(m['d'])}"),
        (rf"jeden ersten (?P<d>{D})(?: im monat| des monats)?",
         lambda m: f"every first {w.english_days(m['d'])}"),
        (r"jeden monat am (?P<n>\d{1,2})\.?", r"every month on the \g<n>"),
        (rf"jeden (?P<d>{days})", lambda m: f"every {w.english_days(m['d'])}"),
        (rf"(?P<d>{w.full_day})s(?:(?: *, *| und ){w.full_day}s)*",
         lambda m: f"every {w.english_days(m[0])}"),
        (r"jeden tag|tagtäglich|täglich", "daily"),
        (r"jede woche|wöchentlich", "weekly"),
        (r"jeden monat|monatlich", "monthly"),
        (r"jedes jahr|jährlich", "yearly"),
        (r"jeden morgen", "every morning"),
        (r"jeden abend", "every evening"),
        (r"zweiwöchentlich|vierzehntägig|alle zwei wochen", "every 2 weeks"),
        (rf"alle (?P<n>{N}) (?P<u>{U})",
         lambda m: f"every {w.num(m['n'])} {w.units[m['u'].lower()]}"),
        (r"erinnere mich|erinnern", "remind me"),
        (r"vorher|davor|im voraus", "before"),
        (r"dringend", "urgent"),
        (r"hohe priorität|wichtig", "high priority"),
        (r"niedrige priorität", "low priority"),
        (rf"(?:um )?halb (?P<h>{N})", lambda m: _hour_minus_one(m, w, 30)),
        (rf"(?:um )?dreiviertel (?P<h>{N})", lambda m: _hour_minus_one(m, w, 45)),
        (rf"(?:um )?viertel nach (?P<h>{N})", lambda m: f"at quarter past {w.num(m['h'])}"),
        (rf"(?:um )?viertel vor (?P<h>{N})", lambda m: f"at quarter to {w.num(m['h'])}"),
        (r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))? ?uhr", _clock),
        (r"heute abend|heute nacht", "tonight"),
        (r"heute morgen|heute früh", "this morning"),
        (r"heute nachmittag", "this afternoon"),
        (r"morgen früh", "tomorrow morning"),
        (r"(?:am |zu )?mittag|mittags", "at noon"),
        (r"mitternacht", "midnight"),
        (r"morgens|vormittags|am morgen|am vormittag", "in the morning"),
        (r"nachmittags|am nachmittag", "in the afternoon"),
        (r"abends|am abend", "in the evening"),
        (r"nachts", "at night"),
        (r"abend", "evening"),
        (r"nachmittag", "afternoon"),
        (r"vormittag", "morning"),
        (r"(?:am )?(?P<d>\d{1,2})\.? (?:des )?(?:nächsten|kommenden) monats",
         r"the \g<d> of next month"),
        (r"nächsten monat am (?P<d>\d{1,2})\.?", r"next month on the \g<d>"),
        (r"(?:zum |am )?ende (?:des |dieses )?monats|(?:zum )?monatsende", "end of the month"),
        (r"(?:zum |am )?ende (?:des )?nächsten monats", "end of next month"),
        (r"(?:zum |am )?ende (?:der |dieser )?woche", "end of the week"),
        (r"(?:zum |am )?ende (?:des |dieses )?jahres|(?:zum )?jahresende", "end of the year"),
        (r"(?:zum |am )?ende (?:des )?quartals|(?:zum )?quartalsende", "end of the quarter"),
        (r"(?:am )?letzten tag des monats", "last day of the month"),
        (r"nächstes wochenende", "next weekend"),
        (r"(?:dieses |am )wochenende", "this weekend"),
        (rf"(?:am )?(?P<d>\d{{1,2}})\. ?(?P<m>{M})\.?(?: (?P<y>\d{{4}}))?",
         lambda m: f"on {int(m['d'])} {w.english_month(m['m'])} {m['y'] or ''}".rstrip()),
        (r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})?", day_first(w)),
        (r"nächsten|nächste|nächster|nächstes|kommenden|kommende", "next"),
        (r"diesen|diese|dieser|dieses", "this"),
        (rf"am(?= (?:{D}|\d))", "on"),
        (r"um", "at"),
        (r"bis(?: zum| spätestens)?", "by"),
    ]  # fmt: skip


def spanish(w: Words) -> Rules:
    """Spanish phrasings ("cada lunes", "pasado mañana", "!urgente") as ordered (regex, replacement)
    rules into English."""
    D, M, N, U = w.day, w.month, w.number, w.unit
    days = rf"{D}(?:(?: *, *| y | e ){D})*"
    return [
        _markers({"alta": "high", "urgente": "urgent", "media": "medium", "baja": "low"}),
        (r"(?:excepto|salvo|menos) (?:los |el )?fines? de semana", "except weekends"),
        (rf"(?:excepto|salvo|menos) (?:los |el )?(?P<d>{days})",
         lambda m: f"except {w.english_days(m['d'])}"),
        (r"(?:todos los |cada )?días (?:laborables|hábiles)|entre semana|de lunes a viernes"
         r"|cada día laborable", "every weekday"),
        (rf"(?:cada|el) último (?P<d>{D})(?: de cada mes| del mes)?",
         lambda m: f"every last {w.english_days(m['d'])}"),
        (rf"(?:cada|el) primer (?P<d>{D})(?: de cada mes| del mes)",
         lambda m: f"every first {w.english_days(m['d'])}"),
        (r"cada mes el (?:día )?(?P<n>\d{1,2})|el (?:día )?(?P<k>\d{1,2}) de cada mes",
         lambda m: f"every month on the {m['n'] or m['k']}"),
        (rf"(?:cada|todos los) (?P<d>{days})", lambda m: f"every {w.english_days(m['d'])}"),
        (r"todos los días|cada día|diariamente|a diario|diario|diaria", "daily"),
        (r"todas las semanas|cada semana|semanalmente", "weekly"),
        (r"todos los meses|cada mes|mensualmente", "monthly"),
        (r"todos los años|cada año|anualmente", "yearly"),
        (r"cada dos semanas|quincenalmente", "every 2 weeks"),
        (rf"cada (?P<n>{N}) (?P<u>{U})",
         lambda m: f"every {w.num(m['n'])} {w.units[m['u'].lower()]}"),
        (r"cada mañana|todas las mañanas", "every morning"),
        (r"cada noche|todas las noches", "every night"),
        (r"recuérdame|recuerdame|recordarme", "remind me"),
        (r"urgente", "urgent"),
        (r"prioridad alta|alta prioridad", "high priority"),
        (r"prioridad baja|baja prioridad", "low priority"),
        (r"pasado mañana", "overmorrow"),
        (rf"(?:a las |a la )?(?P<h>{N})(?::(?P<m>\d{{2}}))? y media",
         lambda m: f"at {w.num(m['h'])}:30"),
        (rf"(?:a las |a la )?(?P<h>{N}) y cuarto", lambda m: f"at {w.num(m['h'])}:15"),
        (rf"(?:a las |a la )?(?P<h>{N}) menos cuarto", lambda m: _hour_minus_one(m, w, 45)),
        (r"de la mañana|de la madrugada", "in the morning"),
        (r"de la tarde", "in the afternoon"),
        (r"de la noche", "at night"),
        (r"por la mañana", "morning"),
        (r"por la tarde", "afternoon"),
        (r"por la noche", "night"),
        (r"esta noche", "tonight"),
        (r"esta tarde", "this afternoon"),
        (r"esta mañana", "this morning"),
        (r"(?:al )?mediodía", "noon"),
        (r"(?:la )?medianoche", "midnight"),
        (r"a las|a la", "at"),
        (rf"el (?:próximo (?P<a>{D})|(?P<b>{D}) (?:que viene|próximo))",
         lambda m: f"next {w.english_days(m['a'] or m['b'])}"),
        (r"la semana que viene|la próxima semana", "next week"),
        (r"el mes que viene|el próximo mes", "next month"),
        (r"el (?:día )?(?P<d>\d{1,2}) del (?:mes que viene|próximo mes)",
         r"the \g<d> of next month"),
        (r"(?:a |para )?(?:el )?(?:fin|final) de(?:l)? mes", "end of the month"),
        (r"(?:a |para )?(?:el )?(?:fin|final) de(?:l)? año", "end of the year"),
        (r"(?:a |para )?(?:el )?(?:fin|final) de(?:l)? trimestre", "end of the quarter"),
        (r"(?:el )?último día del mes", "last day of the month"),
        (r"este fin de semana|el fin de semana", "this weekend"),
        (r"el próximo fin de semana|el fin de semana que viene", "next weekend"),
        (rf"(?:el )?(?:día )?(?P<d>\d{{1,2}}) de (?P<m>{M})(?: de (?P<y>\d{{4}}))?",
         lambda m: f"on {int(m['d'])} {w.english_month(m['m'])} {m['y'] or ''}".rstrip()),
        (r"(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?", day_first(w)),
        (r"dentro de", "in"),
        (rf"en(?= (?:{N}) (?:{U}))", "in"),
        (rf"el(?= (?:{D}))", "on"),
        (r"antes del?", "by"),
        (r"antes", "before"),
        (r"próximo|próxima", "next"),
        (r"este|esta", "this"),
    ]  # fmt: skip


def french(w: Words) -> Rules:
    """French phrasings ("chaque lundi", "tous les jours", "!haute") as ordered (regex, replacement)
    rules into English."""
    D, M, N, U = w.day, w.month, w.number, w.unit
    days = rf"{D}s?(?:(?: *, *| et ){D}s?)*"
    return [
        _markers({"haute": "high", "urgent": "urgent", "moyenne": "medium", "basse": "low"}),
        (r"sauf (?:le |les )?(?:week-ends?|weekends?|fins? de semaine)", "except weekends"),
        (rf"sauf (?:le |les )?(?P<d>{days})", lambda m: f"except {w.english_days(m['d'])}"),
        (r"en semaine|(?:tous )?les jours (?:ouvrables|ouvrés)|du lundi au vendredi"
         r"|chaque jour ouvrable", "every weekday"),
        (rf"(?:chaque|le) dernier (?P<d>{D})(?: de chaque mois| du mois)?",
         lambda m: f"every last {w.english_days(m['d'])}"),
        (rf"(?:chaque|le) premier (?P<d>{D})(?: de chaque mois| du mois)",
         lambda m: f"every first {w.english_days(m['d'])}"),
        (r"le (?P<n>\d{1,2})(?:er)? de chaque mois|chaque mois le (?P<k>\d{1,2})(?:er)?",
         lambda m: f"every month on the {m['n'] or m['k']}"),
        (rf"(?:chaque|tous les) (?P<d>{days})", lambda m: f"every {w.english_days(m['d'])}"),
        (r"tous les jours|chaque jour|quotidiennement|quotidienne|quotidien", "daily"),
        (r"toutes les semaines|chaque semaine|hebdomadairement", "weekly"),
        (r"tous les mois|chaque mois|mensuellement", "monthly"),
        (r"tous les ans|chaque année|annuellement", "yearly"),
        (r"toutes les deux semaines|une semaine sur deux", "every 2 weeks"),
        (rf"(?:tous|toutes) les (?P<n>{N}) (?P<u>{U})",
         lambda m: f"every {w.num(m['n'])} {w.units[m['u'].lower()]}"),
        (r"chaque matin|tous les matins", "every morning"),
        (r"chaque soir|tous les soirs", "every evening"),
        (r"rappelle-moi|rappelez-moi|me rappeler", "remind me"),
        (r"priorité haute|haute priorité|important", "high priority"),
        (r"priorité basse|basse priorité", "low priority"),
        (r"(?:à )?(?P<h>\d{1,2}) ?h(?:eures?)? et demie", lambda m: f"at {int(m['h'])}:30"),
        (r"(?:à )?(?P<h>\d{1,2}) ?h(?:eures?)? et quart", lambda m: f"at {int(m['h'])}:15"),
        (r"(?:à )?(?P<h>\d{1,2}) ?h(?:eures?)? moins (?:le )?quart",
         lambda m: _hour_minus_one(m, w, 45)),
        (r"à (?P<h>\d{1,2}) ?(?:h|heures?)(?: ?(?P<m>\d{2}))?", lambda m: f"at {_clock(m)}"),
        (r"(?P<h>\d{1,2})h(?P<m>\d{2})?", _clock),
        (r"ce soir|cette nuit", "tonight"),
        (r"ce matin", "this morning"),
        (r"cet après-midi", "this afternoon"),
        (r"du matin", "in the morning"),
        (r"de l'après-midi", "in the afternoon"),
        (r"du soir", "in the evening"),
        (r"midi", "noon"),
        (r"minuit", "midnight"),
        (r"matin", "morning"),
        (r"après-midi", "afternoon"),
        (r"soir", "evening"),
        (rf"(?P<d>{D}) prochain", lambda m: f"next {w.english_days(m['d'])}"),
        (r"le (?P<d>\d{1,2})(?:er)? du mois prochain", r"the \g<d> of next month"),
        (r"(?:à la |d'ici la )?fin du mois prochain", "end of next month"),
        (r"(?:à la |d'ici la )?fin (?:du|de ce) mois", "end of the month"),
        (r"(?:à la |d'ici la )?fin de (?:la |cette )?semaine", "end of the week"),
        (r"(?:à la |d'ici la )?fin (?:de l'année|d'année|de l'an)", "end of the year"),
        (r"(?:à la |d'ici la )?fin du trimestre", "end of the quarter"),
        (r"(?:le )?dernier jour du mois", "last day of the month"),
        (r"ce week-end", "this weekend"),
        (r"le week-end prochain", "next weekend"),
        (rf"(?:le )?(?P<d>\d{{1,2}})(?:er)? (?P<m>{M})\.?(?: (?P<y>\d{{4}}))?",
         lambda m: f"on {int(m['d'])} {w.english_month(m['m'])} {m['y'] or ''}".rstrip()),
        (r"(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?", day_first(w)),
        (r"dans", "in"),
        (rf"(?:avant|d'ici)(?: le)?(?= (?:{D}|\d))", "by"),
        (rf"le(?= (?:{D}))", "on"),
        (r"avant", "before"),
        (r"prochaine|prochain", "next"),
        (r"cette|ce|cet", "this"),
        (r"à", "at"),
    ]  # fmt: skip


RULES: dict[str, Callable[[Words], Rules]] = {"de": german, "es": spanish, "fr": french}
