"""Map the many ways files name a speaker onto schema.SPEAKERS: customer, agent, bot, system."""

from __future__ import annotations

import re

# Whole-phrase matches win over single words ("virtual agent" is a bot, not an agent).
_PHRASES = {
    "virtual agent": "bot", "virtual assistant": "bot", "automated message": "bot",
    "auto reply": "bot", "auto-reply": "bot", "chat bot": "bot",
    "customer service": "agent", "customer support": "agent", "customer care": "agent",
    "help desk": "agent", "helpdesk": "agent", "end user": "customer",
}  # fmt: skip
# Checked in this order: a "support bot" is a bot, a "customer service rep" an agent.
_WORDS = (
    ("system", {"system", "sys", "notification", "event"}),
    ("bot", {"bot", "chatbot", "assistant", "automated", "automation", "ivr", "ai", "virtual", "autoresponder"}),
    ("agent", {"agent", "support", "rep", "representative", "csr", "advisor", "adviser", "operator",
               "staff", "specialist", "associate", "technician", "moderator", "admin", "employee",
               "company", "brand", "seller", "vendor", "host", "service"}),
    ("customer", {"customer", "user", "client", "caller", "consumer", "buyer", "guest", "visitor",
                  "member", "requester", "shopper", "patient", "human", "inbound", "cust"}),
)  # fmt: skip
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_TOKEN = re.compile(r"[a-z]+")


def normalise_speaker(value: str) -> str | None:
    """'Agent (Maria)' → 'agent', 'caller' → 'customer', 'Virtual Agent' → 'bot'; unknown → None."""
    text = _PARENS.sub(" ", value.lower()).strip()
    text = re.sub(r"\s+", " ", text)
    if text in _PHRASES:
        return _PHRASES[text]
    for phrase, speaker in _PHRASES.items():
        if phrase in text:
            return speaker
    tokens = set(_TOKEN.findall(text))
    for speaker, words in _WORDS:
        if tokens & words:
            return speaker
    return None
