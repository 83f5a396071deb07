"""Names compared as people read them: one key per name, whatever its Unicode spelling or case.

"Café" typed with a precomposed é and with e + a combining accent are the same name, and so
are "CAFÉ" and "café". A key is the name normalized (NFC, or NFKC where compatibility forms
must match too, as in email addresses), case-folded, and normalized again, since folding can
undo a normalization. Names are stored as given; only their keys are compared.
"""

from __future__ import annotations

import unicodedata


def name_key(name: str) -> str:
    """The key of a name (tags, anything unique per user by name)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def email_key(email: str) -> str:
    """The key of an email address: NFKC, so full-width and ligature forms match too."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", email.strip()).casefold())
