"""When two usernames are the same name to a reader: the skeleton of a username.

Sign-in and sign-up decide "is this the same account name?" with `username_skeleton`:

1. NFKC, as Django's AbstractBaseUser.normalize_username and the sign-in form do: fullwidth
   ``ｖｉｃ``, mathematical ``𝐯𝐢𝐜`` and modifier letters such as ``ᵛ`` become ``vic``;
2. each letter that looks like a Latin letter but is another one becomes that Latin letter
   (CONFUSABLES: small capitals ``ᴀ``-``ᴢ``, Cyrillic ``а е о р с х у і ј ѕ ԁ һ``, Greek
   ``α ο ν ι κ ρ``, Latin ``ı ɡ ɑ``, and the capitals of those that have one);
3. case folding (``Vic`` and ``vic`` are one name).

The table is mapped before case folding because a capital and its small letter can look
like different Latin letters (Greek ``Ν`` is an N, ``ν`` a v). It is a hand-kept subset of
Unicode's confusables (UTS #39) for the letters a username may contain (Django's username
validator allows letters, digits and ``. @ + - _``), limited to letter-for-letter look-alikes:
digits (``0``/``o``, ``1``/``l``) and letter pairs (``rn``/``m``) are not folded, so
``adm1n`` remains a name of its own. Accented letters stay themselves (``é`` is not ``e``):
they read differently.

Uses: sign-up refuses a name whose skeleton is an existing user's (quiz.views.accounts);
the sign-in lockout counts failures per skeleton (quiz.services.signin), and sign-in finds
an account case-insensitively only when the skeletons agree (quiz.auth), so every spelling
that can reach an account shares that account's failure count.
"""

import unicodedata

# Look-alike letter -> the Latin letter it is read as (lower case).
CONFUSABLES: dict[str, str] = {
    # Latin small capitals and other Latin letters that read as a basic Latin one.
    **dict(
        zip(
            "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ",
            "abcdefghijklmnopqrstuvwyz",
            strict=True,
        )
    ),
    "ı": "i",  # dotless i
    "ȷ": "j",  # dotless j
    "ɡ": "g",  # script g
    "ɑ": "a",  # Latin alpha
    "ɩ": "i",  # Latin iota
    "ʋ": "u",
    "ƅ": "b",
    "ꮃ": "w",
    # Cyrillic.
    **dict(zip("аеорсхуіјѕԁһӏԛԝвнкмт", "aeopcxyijsdhlqwbhkmt", strict=True)),
    **dict(zip("АВЕКМНОРСТХУІЈЅԀӀԚԜ", "abekmhopctxyijsdlqw", strict=True)),
    # Greek.
    **dict(zip("αοινκρχυγ", "aoivkpxuy", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "abezhikmnoptyx", strict=True)),
}
_TABLE = str.maketrans(CONFUSABLES)


def username_skeleton(username: str) -> str:
    """The form of `username` that every spelling a reader takes for the same name shares."""
    # Mapped again after folding: a capital outside the table may fold to a small letter in it.
    return unicodedata.normalize("NFKC", username).translate(_TABLE).casefold().translate(_TABLE)
