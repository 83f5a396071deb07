"""Names compared as people read them: one key per name, whatever its Unicode spelling or case.

"Café" typed with a precomposed é and with e + a combining accent are the same name, and so
are "CAFÉ" and "café". A key is the name normalized (NFC, or NFKC where compatibility forms
must match too, as in email addresses), case-folded, and normalized again, since folding can
undo a normalization. Names are stored as given; only their keys are compared.
"""

from __future__ import annotations

import re
import unicodedata

from taskai.errors import InvalidInput

# Unicode's Default_Ignorable_Code_Point characters (DerivedCoreProperties.txt): not drawn
# unless a renderer supports them (zero-width space and joiners, bidi marks, variation
# selectors, the byte order mark, Hangul fillers, tags), as ranges of a regex character class.
IGNORABLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
# A character that is drawn: not white space, a control or an ignorable one (the API's schema
# publishes this pattern for names).
DRAWN = re.compile("[^\\s\\x00-\\x1f\\x7f-\\x9f" + IGNORABLE + "]")


def name_key(name: str) -> str:
    """The key of a name (tags, anything unique per user by name)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def email_key(email: str) -> str:
    """The key of an email address: NFKC, so full-width and ligature forms match too."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", email.strip()).casefold())


def shows(name: str) -> bool:
    """True when some character of `name` is drawn (DRAWN): not only white space, controls
    and invisible characters such as the zero-width space."""
    return DRAWN.search(name) is not None


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
