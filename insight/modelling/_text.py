"""Text normalisation applied before sentiment scoring (and to the training data, so both match).

* social-media noise as in TweetEval: ``@handle`` -> ``@user``, URLs -> ``http``;
* emoji and ASCII emoticons -> a sentiment word. The MiniLM vocabulary has no emoji (they all become
  ``[UNK]``), so without this "arrived broken 😡" and "arrived 😍" would differ only by luck.
"""

from __future__ import annotations

import re

_HANDLE = re.compile(r"(?<![\w@])@\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")

EMOJI_WORDS = {
    # positive
    "😍": "love", "🥰": "love", "😘": "love", "❤": "love", "❤️": "love", "💕": "love", "💖": "love", "💗": "love",
    "💙": "love", "💚": "love", "💜": "love", "♥": "love", "😊": "happy", "🙂": "happy", "😀": "happy",
    "😃": "happy", "😄": "happy", "😁": "happy", "☺": "happy", "😆": "haha", "😂": "haha", "🤣": "haha",
    "👍": "good", "👌": "good", "✅": "good", "🙌": "great", "👏": "great", "🎉": "great", "🔥": "awesome",
    "🤩": "amazing", "😎": "cool", "💯": "perfect", "⭐": "star", "🌟": "star", "🙏": "thanks", "😋": "yummy",
    # negative
    "😡": "angry", "😠": "angry", "🤬": "furious", "😤": "annoyed", "🙄": "annoyed", "😒": "unimpressed",
    "😞": "disappointed", "😔": "sad", "😢": "sad", "😥": "sad", "😭": "crying", "☹": "sad", "☹️": "sad",
    "🙁": "sad", "😟": "worried", "😩": "frustrated", "😫": "frustrated", "😖": "upset", "😣": "upset",
    "💔": "heartbroken", "👎": "bad", "💩": "crap", "🤮": "disgusting", "🤢": "disgusting", "❌": "bad",
    "😱": "shocked", "😐": "meh", "😑": "meh", "😕": "confused", "🤔": "hmm", "😬": "awkward",
}
_EMOTICONS = {":)": "happy", ":-)": "happy", ":d": "happy", ":-d": "happy", ";)": "wink", "(:": "happy",
              ":(": "sad", ":-(": "sad", ":'(": "crying", "):": "sad", ":/": "meh", ":-/": "meh",
              "<3": "love", ":p": "playful"}
_EMOJI_RE = re.compile("|".join(re.escape(k) for k in sorted(EMOJI_WORDS, key=len, reverse=True)))
_EMOTICON_RE = re.compile(r"(?<!\S)(" + "|".join(re.escape(k) for k in _EMOTICONS) + r")(?!\S)", re.IGNORECASE)


def normalise(text: str) -> str:
    """Return ``text`` with handles, URLs, emoji and emoticons normalised (idempotent)."""
    text = _HANDLE.sub("@user", text)
    text = _URL.sub("http", text)
    if any(ord(c) > 0x2000 for c in text) or "<3" in text:
        text = _EMOJI_RE.sub(lambda m: f" {EMOJI_WORDS[m.group(0)]} ", text)
    if ":" in text or ";" in text or "<3" in text or "(" in text or ")" in text:
        text = _EMOTICON_RE.sub(lambda m: _EMOTICONS[m.group(1).lower()], text)
    return text
