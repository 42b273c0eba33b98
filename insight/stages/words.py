"""Word lists shared by the topic stage and its labels."""

import re

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Words that say how a customer feels or keep a conversation going, but name no theme.
FILLER = {
    "just", "really", "like", "get", "got", "im", "ive", "dont", "did", "does", "keeps", "went", "said", "says",
    "thanks", "thank", "hi", "hello", "hey", "pls", "please", "lol", "ok", "okay", "yes", "yeah", "know", "want",
    "need", "time", "took", "tried", "feels", "feel", "sure", "lot", "way", "day", "days", "today", "happy", "good",
    "great", "bad", "new", "help", "writing", "wanted", "ends", "overall", "wait", "cheers", "regards", "kind",
    "seriously", "thoughts", "honestly", "literally", "actually", "basically", "still", "again", "guys",
    "love", "loved", "nice", "poor", "fine", "perfect", "annoying", "awful", "terrible", "excellent", "brilliant",
    "amazing", "super", "best", "worst", "horrible", "disappointed", "disappointing", "frustrating", "frustrated",
    "glad", "pleased", "shame", "impressed", "unimpressed", "wow", "cool", "fantastic", "awesome", "sad", "angry",
    "upset", "ridiculous", "unacceptable", "joke", "useless", "recommend", "recommended", "highly",
}
THEMELESS = frozenset(ENGLISH_STOP_WORDS) | FILLER

# A complaint inside a happy (4–5 star) review is nearly always announced: "but", "only problem",
# "unfortunately", "keeps". Without such a cue, a "negative" sentence in a happy review is more often
# praise the sentiment model misreads ("Setup was painless") than a complaint.
COMPLAINT_CUE = re.compile(
    r"\b(but|however|though|although|unfortunately|sadly|except|apart from|other than|only (problem|issue|"
    r"complaint|downside|gripe|thing|niggle)|downside|the catch|gripe|complaint|problem|issue|wish|shame|"
    r"annoying|disappointing|not (great|good|ideal)|could be better|keeps|stopped|broke|fails?|failed)\b",
    re.I,
)
