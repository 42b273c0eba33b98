"""Word lists shared by the topic stage and its labels."""

import re
from collections import Counter

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
    # the same for the other supported languages: greetings, thanks, please and sign-offs, which open and
    # close support chats and posts in every language ("Hallo, danke!" names no problem), and the
    # retweet marker
    "hallo", "danke", "dank", "bitte", "grüße", "gruß", "tschüss", "moin", "servus",
    "hola", "gracias", "saludos", "buenas", "buenos", "favor", "adiós",
    "bonjour", "bonsoir", "merci", "salut", "cordialement", "svp",
    "merhaba", "selam", "teşekkürler", "teşekkür", "sağol", "sağolun", "lütfen", "kolay", "gelsin",
    "hei", "moi", "moikka", "kiitos", "kiitti", "terveisin",
    "rt", "via",
}
THEMELESS = frozenset(ENGLISH_STOP_WORDS) | FILLER

# A complaint inside a happy (4–5 star) review is nearly always announced: "but", "only problem",
# "unfortunately", "keeps". Without such a cue, a "negative" sentence in a happy review is more often
# praise the sentiment model misreads ("Setup was painless") than a complaint. The other supported
# languages have the same cues: the contrast word, "unfortunately", "except", "the problem/downside",
# "pity"; Turkish and Finnish nouns take case endings ("sorunu", "ongelmana").
_CUES_OTHER = (
    r"aber|jedoch|allerdings|leider|außer|bis auf|nachteil|manko|schade|einziges? problem"  # de
    r"|(?-i:[Aa]ma)|fakat|ancak|maalesef|ne yazık ki|dışında|sorun\w*|keşke"  # tr ("AMA" is no "ama")
    r"|mutta|kuitenkin|valitettavasti|harmi|paitsi|ongelm\w*|miinus\w*"  # fi
    r"|pero|sin embargo|aunque|lamentablemente|desafortunadamente|por desgracia|excepto|salvo|problema|lástima"  # es
    r"|mais|cependant|pourtant|toutefois|malheureusement|dommage|sauf|à part|problème|bémol|hélas"  # fr
)
COMPLAINT_CUE = re.compile(
    r"\b(but|however|though|although|unfortunately|sadly|except|apart from|other than|only (problem|issue|"
    r"complaint|downside|gripe|thing|niggle)|downside|the catch|gripe|complaint|problem|issue|wish|shame|"
    r"annoying|disappointing|not (great|good|ideal)|could be better|keeps|stopped|broke|fails?|failed|"
    + _CUES_OTHER + r")\b",
    re.I,
)

# Words that keep a support conversation going or refer back to "the problem" without naming it:
# "Same problem as before, the fix your colleague suggested did nothing.", "Following up on my
# previous ticket.", "That doesn't really help." A sentence made only of these (and THEMELESS words)
# names nothing a team can act on. Contraction stems ("isn" of "isn't") are here too.
CONVERSATIONAL = frozenset({
    "problem", "problems", "issue", "issues", "ticket", "tickets", "case", "fix", "fixed", "fixes", "solve",
    "solved", "resolve", "resolved", "sort", "sorted", "colleague", "colleagues", "agent", "contact",
    "contacted", "contacting", "follow", "following", "followed", "previous", "last", "same", "suggest",
    "suggested", "reply", "replied", "answer", "answered", "response", "respond", "message", "question",
    "questions", "helpful", "hear", "heard", "sorry", "apologise", "apologize", "apology", "understand",
    "explain", "explained", "check", "checked", "look", "looked", "looking", "work", "working", "worked",
    "works", "anyway", "anymore", "mine", "dear", "team", "hope", "guess", "mean", "meant", "thought",
    "think", "tell", "told", "ask", "asked", "asking", "reach", "reached", "chat", "talk", "talked",
    "isn", "doesn", "didn", "wasn", "aren", "weren", "don", "won", "can", "couldn", "shouldn", "wouldn",
    "haven", "hasn", "hadn", "ain", "gonna", "wanna", "gotta", "bit", "little", "anything", "everything",
    "nothing", "something", "real", "sure", "true", "right", "wrong", "exactly", "whatever", "matter",
})

# Nouns that judge a problem or the wait for its fix without naming what goes wrong: "running out of
# patience", "what a nightmare", "that's not a solution", "terrible experience". A noun chunk made only
# of these (and THEMELESS / CONVERSATIONAL words) names no object a team could act on.
EVALUATIVE_NOUNS = frozenset({
    "patience", "nightmare", "disaster", "mess", "hassle", "headache", "waste", "shambles", "farce",
    "solution", "experience", "situation", "state", "thing", "things", "stuff", "lot", "lots", "deal",
    "nonsense", "rubbish", "garbage", "trash", "pain", "frustration", "disappointment", "shame", "fault",
    "mistake", "error", "reason", "point", "idea", "clue", "word", "words", "update", "news", "status",
})


#: languages that write every noun capitalised, so a word written capitalised after a sentence's first
#: word is a noun (or a name)
CAPITALISED_NOUNS = frozenset({"de"})
#: handles, links and e-mails: never words of a theme
NOT_WORDS = re.compile(r"@\S+|https?://\S+|www\.\S+|\S+@\S+")
_HASHTAG = re.compile(r"#\S+")
_CAP_WORD = re.compile(r"(?<![\w@#])([^\W\d_][\w-]*)")
_SENTENCE_END = re.compile(r"[.!?:]\s*$")


def noun_lexicon(texts, language: str = "de") -> frozenset[str]:
    """The nouns of a language that capitalises them (``CAPITALISED_NOUNS``), read off the corpus itself:
    lower-cased words written capitalised (not all capitals) somewhere other than at the start of a
    sentence, and at least as often so as in lower case there, less the language's stop words (the formal
    "Sie", "Ihr"). German has no parser here; this is
    its part-of-speech evidence, and it also covers customers who write everything in lower case, as long
    as someone else in the store wrote the word properly."""
    from insight.stages.nlp import stop_words

    own = stop_words(language)
    upper: Counter = Counter()
    lower: Counter = Counter()
    for text in texts:
        text = NOT_WORDS.sub(" ", _HASHTAG.sub(" ", str(text or "")))
        for m in _CAP_WORD.finditer(text):
            word = m.group(1)
            if word.isupper() or len(word) < 3:
                continue
            before = text[:m.start()].rstrip()
            if not before or _SENTENCE_END.search(before) or before.endswith(("\"", "'", "(", "-", "–")):
                continue  # a sentence's (or a quote's) first word is capitalised whatever it is
            (upper if word[:1].isupper() else lower)[word.lower()] += 1
    # a noun is written capitalised, so a word mostly written in lower case mid-sentence is none, even if
    # it is sometimes capitalised ("mal", and "zum ersten Mal")
    found = {w for w, n in upper.items() if n >= lower[w]}
    return frozenset(found - own - THEMELESS - CONVERSATIONAL)
