"""Names compared as people read them: one key per name, whatever its Unicode spelling or case.

"Café" typed with a precomposed é and with e + a combining accent are the same name, and so
are "CAFÉ" and "café". A key is the name normalized (NFC, or NFKC where compatibility forms
must match too, as in email addresses), case-folded, and normalized again, since folding can
undo a normalization. Names are stored as given; only their keys are compared.
"""

from __future__ import annotations

import unicodedata

from taskai.errors import InvalidInput

# Letters and symbols drawn as blank space (Hangul fillers, the blank Braille pattern).
BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def name_key(name: str) -> str:
    """The key of a name (tags, anything unique per user by name)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def email_key(email: str) -> str:
    """The key of an email address: NFKC, so full-width and ligature forms match too."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", email.strip()).casefold())


def shows(name: str) -> bool:
    """True when some character of `name` is drawn: not only white space, format characters
    (zero-width space, joiners, byte order mark), controls, combining marks or blank fillers."""
    return any(unicodedata.category(c)[0] not in "CZM" and c not in BLANK for c in name)


def checked_name(name: str, *, max_length: int, field_name: str, what: str) -> str:
    """`name` (its white space collapsed by the caller) if it is 1 to `max_length` characters,
    one of them drawn; else raises InvalidInput naming `field_name`, `what` (e.g. "tag name")
    beginning the error's message."""
    if not name or len(name) > max_length:
        message = f"must be 1 to {max_length} characters"
    elif not shows(name):
        message = "must have a visible character (not only spaces or invisible ones)"
    else:
        return name
    raise InvalidInput(f"{what} {message}", fields={field_name: message})
