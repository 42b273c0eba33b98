"""Word lists shared by the topic stage and its labels."""

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
