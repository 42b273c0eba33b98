#!/usr/bin/env python3
"""Generate the bundled demo corpus for insight (deterministic, seeded).

    python scripts/make_demo_corpus.py --out corpora/demo --seed 7 --customers 400 --per-language 16   # the bundle
    python scripts/make_demo_corpus.py --out /tmp/demo-en   # English only (the default; --per-language 0)

Fictional brand: **Lumio Home** (smart-home cameras, a video doorbell, a hub, the Lumio app and the
Lumio Protect subscription: basic / premium / business). All text is synthetic and composed here from
small grammars (templates with nested slots), so the corpus holds thousands of distinct sentences.

Writes reviews.csv, transcripts.jsonl, social.jsonl, customers.csv, identities.csv, insight.toml,
personas.yaml and truth.json (the planted signals used to evaluate customer profiles).

``--per-language N`` adds N customers each who write in Turkish, Finnish and German, from the grammars in
demo_languages.py and their own RNG, so the English customers and records do not change (corpora/README.md).

The generator checks itself before writing: every customer's planted signals must be exactly the
signals its records exhibit (structurally for rating/channel/contact signals, by phrase guards for
requests and churn talk), otherwise it raises.

Stdlib + PyYAML only; runs in about a second.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

import demo_languages as dl

BRAND = "Lumio Home"
BRAND_HANDLE = "@LumioHome"
START = datetime(2025, 4, 1, tzinfo=timezone.utc)
MONTHS = ["2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09",
          "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
MONTH_NAMES = ["April", "May", "June", "July", "August", "September", "October", "November",
               "December", "January", "February", "March"]
# overall volume per month (customer base grows, holiday bump)
BASE_VOLUME = [0.8, 0.8, 0.85, 0.85, 0.9, 0.95, 1.0, 1.15, 1.25, 1.05, 1.05, 1.1]

# --------------------------------------------------------------------------------------------------
# themes
# --------------------------------------------------------------------------------------------------
PAIN_THEMES = {
    "battery_drain": "Battery drains overnight",
    "login_2fa": "Login / 2FA code never arrives",
    "refund_missing": "Refund not received",
    "delivery_issue": "Delivery late or damaged",
    "app_crash": "App crashes after update",
    "wifi_disconnect": "Wi-Fi disconnects",
    "double_charge": "Double charge on billing",
    "cancel_hard": "Hard to cancel subscription",
}
PRAISE_THEMES = {
    "image_quality": "Image and night-vision quality",
    "easy_setup": "Easy setup",
    "design": "Design and build",
    "helpful_agent": "Helpful support agent",
}
# monthly trend multipliers (index 0 = 2025-04 ... 11 = 2026-03)
TRENDS = {
    "battery_drain": [1, 1, 1, 1, 1, 1.1, 1.6, 2.2, 2.8, 3.8, 5.5, 7.5],   # firmware 4.1 (Oct 2025), growing
    "login_2fa": [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3],                        # steady
    "refund_missing": [1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.8, 2.2, 3, 2.2, 1.6],  # post-holiday returns
    "delivery_issue": [1, 1, 1, 1, 1, 1, 1.3, 4.5, 5.5, 1.6, 1, 1],          # Black Friday / Christmas peak
    "app_crash": [1, 1, 1, 1, 1, 7, 4.5, 2, 1.2, 1, 1, 1],                    # app 5.0 (Sep 2025) spike, fixed
    "wifi_disconnect": [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4],                  # steady, largest
    "double_charge": [0.4, 0.4, 0.4, 0.4, 5, 2.2, 0.6, 0.4, 0.4, 0.4, 0.4, 0.4],  # billing migration Aug 2025
    "cancel_hard": [1, 1, 1.1, 1.2, 1.4, 1.6, 1.9, 2.2, 2.5, 2.9, 3.3, 3.7],  # slowly growing
}
TREND_NOTES = {
    "battery_drain": "growing since the firmware 4.1 rollout in October 2025; the biggest theme by Feb-Mar 2026",
    "login_2fa": "steady all year",
    "refund_missing": "small, bump in Dec 2025 - Feb 2026 (post-holiday returns)",
    "delivery_issue": "peaks in Nov-Dec 2025 (Black Friday / Christmas)",
    "app_crash": "spike in Sep-Oct 2025 after app 5.0, back to baseline by Jan 2026",
    "wifi_disconnect": "steady, large",
    "double_charge": "spike in Aug-Sep 2025 (billing migration), otherwise rare",
    "cancel_hard": "small but slowly growing; only voiced by customers who also talk about leaving (churn)",
}
# how common a theme is among ordinary complainers (cancel_hard is reserved for churn customers)
THEME_SIZE = {"wifi_disconnect": 22, "battery_drain": 20, "app_crash": 14, "login_2fa": 14,
              "delivery_issue": 12, "refund_missing": 8, "double_charge": 6}

PRODUCTS = {
    "cam_indoor": "Lumio Cam 2",
    "cam_outdoor": "Lumio Cam Outdoor",
    "doorbell": "Lumio Doorbell Pro",
    "hub": "Lumio Hub",
    "app": "Lumio App",
    "plan": "Lumio Protect",
}
HARDWARE = ["cam_indoor", "cam_outdoor", "doorbell", "hub"]
DEV_SHORT = {
    "cam_indoor": ["camera", "cam", "indoor cam", "Cam 2"],
    "cam_outdoor": ["outdoor cam", "camera", "cam", "outdoor camera"],
    "doorbell": ["doorbell", "video doorbell", "Doorbell Pro"],
    "hub": ["hub", "Lumio Hub", "base station"],
}
THEME_PRODUCTS = {
    "battery_drain": ["cam_outdoor", "doorbell"],
    "wifi_disconnect": ["cam_indoor", "cam_outdoor", "doorbell", "hub"],
    "app_crash": ["app"],
    "login_2fa": ["app"],
    "delivery_issue": HARDWARE,
    "refund_missing": HARDWARE,
    "double_charge": ["plan"],
    "cancel_hard": ["plan"],
    "image_quality": ["cam_indoor", "cam_outdoor", "doorbell"],
    "easy_setup": HARDWARE,
    "design": ["cam_indoor", "cam_outdoor", "doorbell"],
    "helpful_agent": HARDWARE + ["app", "plan"],
}
COMPETITORS = ["Veyra", "Brightwatch", "Orbiq", "HomeSight"]
AGENTS = ["Maria", "Tom", "Aylin", "Jonas", "Priya", "Lukas", "Sophie", "Emre", "Daniel", "Chloé", "Sanne", "Kemal"]
PLAN_PRICE = {"basic": "3.99", "premium": "9.99", "business": "24.99"}
PLAN_DISP = {"basic": "Basic", "premium": "Premium", "business": "Business"}

# --------------------------------------------------------------------------------------------------
# grammar: {slot} is replaced by a random choice; choices may contain slots themselves
# --------------------------------------------------------------------------------------------------
def _n(lo, hi):
    return lambda r: str(r.randint(lo, hi))


G: dict[str, object] = {
    # shared
    "excl": [".", ".", ".", "!", "!!", ". Seriously?", " 🙄", ". Really annoying."],
    "pos_excl": [".", ".", "!", "!!", " 😍", " 👍", "."],
    "ref_weeks": ["three", "4", "five", "six", "almost 5", "two"],
    "n_times": ["5", "six", "10", "a dozen", "three", "at least 8", "4"],
    "recharge_freq": ["every single day", "every other day", "twice a week", "every morning", "daily"],
    "events_n": _n(3, 25),
    "pct": _n(0, 35),
    "pct_hi": _n(85, 100),
    "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    "month_name": MONTH_NAMES,
    "pay": ["card", "PayPal", "bank account", "credit card statement", "Klarna account"],
    "amount": ["89.99", "129.00", "59.00", "199.98", "49.99", "149.99", "79.95"],
    "order_no": lambda r: f"#LM-{r.randint(100000, 999999)}",
    "case_no": lambda r: f"#{r.randint(2000000, 2999999)}",
    "date_txt": lambda r: f"{r.randint(1, 28)} {r.choice(MONTH_NAMES)}",
    "phone": ["Pixel 7", "iPhone 13", "Galaxy S22", "iPhone 15 Pro", "OnePlus 11", "iPhone 12", "Galaxy A54",
              "Xiaomi 13", "Pixel 8a", "iPhone SE"],
    "fw_ver": ["4.1.0", "4.1.0.318", "v4.1", "4.1.1", "4.0.9"],
    # ---------------- battery_drain
    "batt_subj": ["The battery", "Battery", "My {dev_short}'s battery", "The battery on my {dev_short}",
                  "The battery on the {dev_short}", "The battery pack"],
    "batt_drain": ["drains", "is dead", "goes flat", "drops to 0%", "is completely empty", "dies",
                   "is down to nothing", "runs out", "is drained"],
    "batt_when": ["overnight", "by noon", "within a day", "in less than 24 hours", "after two days",
                  "by the next morning", "in about 10 hours", "before lunch", "every single night", "by the evening"],
    "batt_when2": ["the next morning", "by lunchtime", "after one night", "a day later",
                   "by the time I got home from work", "after barely 12 hours"],
    "batt_tail": ["which makes it useless as a security camera", "so it's offline exactly when I need it",
                  "and nothing in the app explains why", "completely unacceptable",
                  "and I haven't changed any settings", "so the whole point of a wireless camera is gone",
                  "this is really frustrating", "it's driving me mad"],
    "fw": ["last firmware update", "firmware 4.1 update", "October update", "latest update",
           "update a few weeks ago", "4.1.0 firmware"],
    "batt_annoy": ["which is ridiculous", "not what I paid for", "which is a joke for an 'up to 6 months' battery",
                   "a real pain since it's mounted above the garage", "and I'm sick of it",
                   "which is honestly exhausting", "absolutely pathetic"],
    "advertised": ["Advertised", "The box says", "Marketing promised", "You advertise", "The website says"],
    "adv_months": ["6", "six", "up to 6", "3 to 6", "4"],
    "days_n": ["2", "two", "1.5", "barely 2", "3", "maybe 2"],
    "ago": ["last night", "yesterday evening", "on Sunday", "two days ago", "this morning"],
    "empty_adj": ["empty", "flat", "dead"],
    "batt_short": ["Terrible battery life.", "Battery life is awful.", "The battery drain is insane.",
                   "Battery is garbage.", "Worst battery I've ever had in a gadget.", "The battery is a disaster.",
                   "Battery life is horrible since the update."],
    "mount": ["wall", "porch", "fence", "garage", "bracket", "ceiling mount"],
    "batt_setting": ["motion sensitivity on low", "the recording length set to 10 seconds", "live view barely used",
                     "power saving mode on", "night vision turned off"],
    # ---------------- login_2fa
    "code_kind": ["2FA", "verification", "login", "SMS", "one-time", "security", "two-factor"],
    "code_fail": ["never shows up", "never comes through", "doesn't arrive", "arrives 20 minutes later and is already expired",
                  "simply never gets sent", "never reaches my phone"],
    "code_tail": [".", ", no matter how often I tap resend.", ", and support keeps telling me to wait.",
                  ", so I'm stuck at the login screen.", " and I'm completely locked out."],
    "nothing": ["nothing shows up", "got nothing", "still no text", "not a single email arrived",
                "nothing ever comes", "still nothing"],
    "login_reason": ["the code never comes", "the SMS never arrives", "it keeps saying the code expired",
                     "the verification email never arrives, not even in spam",
                     "it says my code is invalid even when I type it straight away", "the 2FA screen just spins forever"],
    "locked_since": ["for three days now", "since Sunday", "since I got a new phone", "since I reset my password",
                     "for over a week", "since yesterday"],
    "locked_tail": ["which is a nightmare with cameras I can't check", "and nobody seems to care",
                    "and I have no idea what's happening at home",
                    "and a security product should not lock out its own owner"],
    "contact_kind": ["phone number", "email address", "number in the account", "mobile signal"],
    "login_loop": ["it sends me back to the start screen", "the code is rejected",
                   "I end up in a loop between the code screen and the login page", "it says 'something went wrong'"],
    "login_short": ["Login is completely broken.", "The 2FA is broken, I can't get in.", "The verification system is a mess.",
                    "Logging in is a nightmare."],
    "login_tail2": ["which is useless when I'm away from home", "so what am I paying for", "that's really not ok"],
    # ---------------- refund_missing
    "return_item": ["camera", "doorbell", "extra cam", "hub", "faulty unit", "outdoor cam", "whole bundle"],
    "return_when": ["a month ago", "six weeks ago", "on the 3rd", "back in {month_name}", "over three weeks ago",
                    "at the start of the month"],
    "refund_none": ["still no refund", "I haven't seen a cent", "the money never came back",
                    "the refund is nowhere to be seen", "I'm still waiting for my money"],
    "ref_days": ["5-7", "3 to 5", "10", "5 business", "7"],
    "refund_tail": ["nobody answers my emails about it", "this is getting ridiculous",
                    "and every chat ends with 'please wait a few more days'", "I'm honestly losing patience",
                    "that is not ok"],
    "never_back": ["never came back", "is still missing", "has not arrived in my account", "vanished somewhere"],
    "refund_short": ["Where is my refund??", "Still no refund. Unbelievable.", "The refund process is a joke.",
                     "No refund, no answer, nothing."],
    # ---------------- delivery_issue
    "pkg": ["package", "box", "parcel", "camera", "doorbell", "order"],
    "damage": ["with a crushed corner and a cracked lens", "soaking wet", "with the box ripped open", "damaged",
               "with the mount missing", "with a scratched front", "opened and half empty"],
    "late_by": ["a week", "10 days", "two weeks", "almost three weeks", "5 days"],
    "track_state": ["in transit", "label created", "out for delivery", "delayed"],
    "days_n2": ["6", "nine", "12", "eight", "5"],
    "courier_did": ["left it in the rain outside the building",
                    "marked it as delivered but there was nothing at my door", "threw the box over the fence",
                    "left it with a neighbour I've never met", "never even rang the bell"],
    "occasion": ["Christmas", "birthday", "Christmas", "housewarming"],
    "gift_miss": ["it showed up in January", "it arrived a week after", "it still hadn't arrived on the day",
                  "it turned up broken"],
    "box_state": ["crushed", "torn", "wet", "dented"],
    "part": ["lens", "faceplate", "mount", "charging cable", "battery cover"],
    "part_state": ["cracked", "missing", "broken", "bent"],
    "delivery_short": ["Shipping was terrible.", "Delivery was a disaster.", "Worst delivery experience I've had.",
                       "Arrived broken."],
    # ---------------- app_crash
    "crash_when": ["every time I open live view", "as soon as I tap a clip", "right after the splash screen",
                   "whenever I change cameras", "on launch", "when I open the event history",
                   "the moment I try to talk through the doorbell"],
    "app_ver": ["5.0", "latest", "September", "last", "recent", "v5"],
    "crash_verb": ["won't even open", "closes itself after a few seconds", "freezes and then crashes",
                   "crashes constantly", "keeps crashing", "shuts down randomly", "crashes every few minutes"],
    "still_crash": ["still crashing", "it still crashes", "no change at all", "same crash every time"],
    "missed_thing": ["a delivery", "someone at the door", "the alert when my kid got home",
                     "a motion alert in the middle of the night", "the plumber"],
    "crash_bg": ["in the background", "again", "overnight", "without me noticing"],
    "crash_tail": ["it's basically unusable", "I can't trust it anymore", "this is so frustrating",
                   "please fix this", "the app was fine before"],
    "crash_short": ["The app is a buggy mess.", "App keeps crashing.", "The new app version is broken.",
                    "The app is unusable since the update."],
    # ---------------- wifi_disconnect
    "drop": ["dropping off the Wi-Fi", "disconnecting", "going offline", "losing connection",
             "dropping the connection", "falling off the network"],
    "wifi_freq": ["several times a day", "every night", "every few hours", "constantly", "at random",
                  "at least once a day"],
    "router_dist": ["two metres away", "in the same room", "right next to it", "one floor down", "5 metres away"],
    "loses_wifi": ["loses Wi-Fi", "drops off", "keeps disconnecting", "goes offline"],
    "hub_loses": ["loses the connection to the cameras", "goes offline", "disconnects from the router",
                  "drops all the cameras"],
    "live_tail": ["forever", "and then times out", "for minutes", "half the time"],
    "wifi_short": ["Wi-Fi connection is terrible.", "Constant disconnects.", "The connection is so unreliable.",
                   "Offline more than it's online."],
    "wifi_fix": ["a new router", "forcing the 2.4 GHz band", "a factory reset", "a mesh extender",
                 "putting the router closer"],
    # ---------------- double_charge
    "price": ["3.99", "9.99", "24.99", "99.99", "39.99"],
    "twice_var": ["twice", "two times", "double"],
    "inv_n": ["two", "2", "three"],
    "inv_when": ["this month", "for {month_name}", "on the same day"],
    "billing_tail": ["and nobody has refunded the extra charge", "I want my money back",
                     "how does this even happen", "this is not acceptable"],
    "billing_short": ["Double charged. Unbelievable.", "Billing is a mess.", "Charged twice, no explanation."],
    # ---------------- cancel_hard
    "cancel_effort": ["three emails and a phone call", "a week of chasing", "an hour on hold", "forever"],
    "next_when": ["the next month", "two days later", "again in {month_name}"],
    # ---------------- praise
    "img_subj": ["The picture", "Image quality", "The video quality", "The picture quality", "Video", "The image"],
    "img_adj": ["super sharp", "crystal clear", "amazing", "better than I expected", "really crisp", "excellent",
                "fantastic", "stunning"],
    "read_detail": ["number plates", "the postman's badge", "the house numbers across the street", "labels on parcels"],
    "dist_m": ["10 metres away", "across the street", "the end of the driveway", "15 m away", "the gate"],
    "night_adj": ["impressive", "really good", "excellent", "surprisingly clear"],
    "night_detail": ["you can see every detail in the garden", "I can even spot the cat at 3am",
                     "it's almost like daylight", "even the colour night mode is great"],
    "res": ["2K", "HD", "4MP"],
    "img_tail": ["even on a cloudy day", "colours look natural", "much better than my old camera",
                 "zoom works great too"],
    "img_short": ["Great picture.", "Image quality is top notch.", "Video is so clear!", "The picture is gorgeous."],
    "setup_mins": ["5", "ten", "about 3", "less than 10", "two"],
    "easy_adj": ["a breeze", "super easy", "really straightforward", "painless", "dead simple", "so easy"],
    "setup_who": ["My mum", "My dad", "My 70 year old neighbour", "I", "My partner", "Even I"],
    "setup_without": ["without any help", "in a few minutes", "without reading the manual", "on the first try"],
    "setup_steps": ["pick a name", "name the room", "choose the Wi-Fi", "stick it on the wall"],
    "setup_short": ["Easy to install.", "Setup was effortless.", "Plug and play, love it.", "Easiest setup ever."],
    "hub_or_wifi": ["hub", "Wi-Fi", "app", "home network"],
    "design_adj": ["great", "really sleek", "clean and modern", "neat", "stylish", "nice"],
    "design_where": ["on the bookshelf", "next to the front door", "in the living room", "on our white wall",
                     "on the porch"],
    "design_adj2": ["sleek", "minimal", "well made", "solid", "elegant", "really nicely finished"],
    "design_feat": ["design", "matte finish", "magnetic mount", "slim profile", "build quality", "white colour"],
    "design_tail": ["my partner actually likes it", "fits right in", "feels premium", "blends in perfectly"],
    "design_short": ["Beautiful design.", "Looks great.", "Very nice design.", "Feels really premium."],
    "agent_name": AGENTS,
    "support_chan": ["chat", "the phone", "email"],
    "agent_adj": ["super helpful", "friendly", "very patient", "fantastic", "quick and kind", "great"],
    "agent_did": ["sorted it in minutes", "walked me through everything", "fixed my issue straight away",
                  "sent a replacement right away", "explained everything clearly"],
    "agent_did2": ["answered", "sorted my question", "got back to me", "fixed it"],
    "agent_tail": ["they actually listened", "got a replacement in two days", "no scripts, just help",
                   "I was impressed"],
    "agent_short": ["Great support.", "Support was excellent.", "Top notch customer service.", "Super helpful support!"],
    # ---------------- neutral context
    "qty_txt": ["one", "two", "this", "three", "a pair"],
    "ctx_place": ["the front door", "the back garden", "the driveway", "our flat", "the shop", "the office", "the garage"],
    "n_months": ["about two", "3", "six", "8", "a few", "around 4", "nearly 10"],
    "short_time": ["a week", "two weeks", "a month", "about ten days", "a couple of months"],
    "relative": ["son", "daughter", "sister", "brother", "parents", "partner"],
    "shop": ["bakery", "bike shop", "hair salon", "flower shop", "kiosk", "studio"],
    "ctx_bought": ["on sale in {month_name}", "as a gift", "after reading a few comparisons", "from the Lumio web shop",
                   "at a local electronics store"],
    "ctx_use": ["to keep an eye on the dog", "when we're on holiday", "to see who's at the door",
                "for the shop at night", "to check on my elderly mum", "mostly for parcels"],
    "ctx_mount": ["above the garage", "in the hallway", "next to the front door", "in the stairwell", "on the balcony"],
    "competitor": COMPETITORS,
    # ---------------- requests
    "feat": ["HomeKit support", "a dark mode", "a battery percentage on the home screen", "local storage on an SD card",
             "24/7 recording on the Basic plan", "separate logins for family members", "a way to export clips in bulk",
             "package detection", "a solar panel option for the doorbell", "email instead of SMS for the login code",
             "a way to pause the subscription", "Google Home routines", "a lock screen widget",
             "a quiet hours schedule for alerts", "a longer clip history", "an Apple Watch app", "a cheaper annual plan",
             "activity zones per time of day"],
    "show_x": ["the battery percentage", "which camera triggered the alert", "when the next charge is due",
               "the Wi-Fi signal strength", "how many clips are left in my plan"],
    "req_tail": ["that's the one thing missing", "it would make this perfect", "every other brand has it"],
    # ---------------- churn
    "deadline": ["by Friday", "this week", "soon", "by the end of the month"],
    "n_contacts": ["three", "four", "several", "multiple"],
}

COMPLAINTS = {
    "battery_drain": [
        "{batt_subj} {batt_drain} {batt_when}.",
        "{batt_subj} {batt_drain} {batt_when}, {batt_tail}.",
        "Charged it to 100% {ago} and it was at {pct}% {batt_when2}.",
        "Since the {fw} the battery {batt_drain} {batt_when}.",
        "I'm recharging the {dev_short} {recharge_freq}, {batt_annoy}.",
        "{advertised} {adv_months} months of battery, I get {days_n} days{excl}",
        "The {dev_short} keeps going offline because the battery is {empty_adj} {batt_when}.",
        "Battery went from {pct_hi}% to {pct}% {batt_when2} with only {events_n} motion events.",
        "{batt_short}",
        "Have to take the {dev_short} down off the {mount} {recharge_freq} to charge it, {batt_annoy}.",
        "Even with {batt_setting} the battery {batt_drain} {batt_when}.",
    ],
    "login_2fa": [
        "The {code_kind} code never arrives.",
        "The {code_kind} code {code_fail}{code_tail}",
        "I've requested the {code_kind} code {n_times} times and {nothing}.",
        "Can't log in to the app because {login_reason}.",
        "I'm locked out of my account {locked_since}, {locked_tail}.",
        "Checked spam, checked my {contact_kind}, {nothing}.",
        "Every time I try to log in {login_loop}.",
        "{login_short}",
        "Without the code I can't see any of my cameras, {login_tail2}.",
        "Got a new phone and now the {code_kind} code {code_fail}.",
    ],
    "refund_missing": [
        "I returned the {return_item} {return_when} and {refund_none}.",
        "Your team said the refund would take {ref_days} days. It's been {ref_weeks} weeks and {refund_none}.",
        "Refund for order {order_no} still not received.",
        "You confirmed the return on {date_txt} but my {pay} shows nothing.",
        "Still waiting for my refund of €{amount}, {refund_tail}.",
        "The return was accepted {return_when} and the money {never_back}.",
        "{refund_short}",
    ],
    "delivery_issue": [
        "The {pkg} arrived {damage}.",
        "Delivery was {late_by} late{excl}",
        "Ordered on {weekday}, promised for the next {weekday}, arrived {late_by} later.",
        "Tracking said '{track_state}' for {days_n2} days{excl}",
        "The courier {courier_did}.",
        "It was supposed to be a {occasion} present and {gift_miss}.",
        "Box was {box_state} and the {part} was {part_state}.",
        "{delivery_short}",
    ],
    "app_crash": [
        "The app crashes {crash_when}.",
        "Since the {app_ver} update the app {crash_verb}.",
        "Reinstalled it {n_times} times and cleared the cache, {still_crash}.",
        "On my {phone} the app {crash_verb}{excl}",
        "I missed {missed_thing} because the app had crashed {crash_bg}.",
        "The app {crash_verb} {crash_when}, {crash_tail}.",
        "{crash_short}",
    ],
    "wifi_disconnect": [
        "The {dev_short} keeps {drop} {wifi_freq}.",
        "It shows offline {wifi_freq} even though the router is {router_dist}.",
        "Every other device in the house is fine, only the {dev_short} {loses_wifi}.",
        "I have to power cycle the {dev_short} {recharge_freq} to get it back online{excl}",
        "The hub {hub_loses} {wifi_freq}.",
        "Live view just says 'connecting...' {live_tail}.",
        "{wifi_short}",
        "Tried {wifi_fix} and the {dev_short} still {loses_wifi}.",
    ],
    "double_charge": [
        "I was charged twice for {plan_name} this month.",
        "Two identical charges of €{plan_price} on my {pay} for one subscription.",
        "My bank statement shows a double payment for {plan_name}.",
        "You billed my card {twice_var} for one plan{excl}",
        "I only have one subscription but got {inv_n} invoices {inv_when}.",
        "Got charged twice for {plan_name}, {billing_tail}.",
        "{billing_short}",
    ],
    "cancel_hard": [
        "There is no cancel button anywhere in the app.",
        "I've been trying to cancel my subscription for {ref_weeks} weeks.",
        "The cancel link just loops back to the plan page.",
        "Signing up took one click, cancelling takes {cancel_effort}.",
        "You charged me again after I cancelled{excl}",
        "Why is it so hard to cancel a subscription?",
        "I cancelled in the app and got billed {next_when} anyway.",
    ],
}
PRAISES = {
    "image_quality": [
        "{img_subj} is {img_adj}{pos_excl}",
        "I can read {read_detail} from {dist_m}.",
        "Night vision is {night_adj}, {night_detail}.",
        "{img_short}",
        "The {res} picture is {img_adj}, {img_tail}.",
    ],
    "easy_setup": [
        "Setup took {setup_mins} minutes.",
        "Setup was {easy_adj}{pos_excl}",
        "{setup_who} set it up {setup_without}.",
        "Scan the QR code, {setup_steps}, done.",
        "{setup_short}",
        "Connecting it to the {hub_or_wifi} was {easy_adj}.",
    ],
    "design": [
        "It looks {design_adj} {design_where}.",
        "Small, {design_adj2} and doesn't scream 'security camera'.",
        "Love the {design_feat}{pos_excl}",
        "{design_short}",
        "The {design_feat} is {design_adj2}, {design_tail}.",
    ],
    "helpful_agent": [
        "{agent_name} on {support_chan} was {agent_adj} and {agent_did}.",
        "Support {agent_did2} within {setup_mins} minutes.",
        "Really {agent_adj} support team{pos_excl}",
        "Customer service was {agent_adj}, {agent_tail}.",
        "{agent_short}",
    ],
}
CONTEXT = [
    "Bought {qty_txt} for {ctx_place}.", "We've had it for {n_months} months now.",
    "Had it for {short_time} now.", "Got this as a gift from my {relative}.", "A friend recommended Lumio to me.",
    "Our old camera gave up so I needed something quick.", "Update after {n_months} months of use:",
    "Honest review after {short_time}.", "We live in a ground floor flat, so this was a must.",
    "Bought it mainly for peace of mind when travelling.", "I'm not very techy, so keep that in mind.",
    "Bought the bundle with {qty_txt} cams and the hub.", "I run a small {shop} and use it after closing.",
    "Replaced an old {competitor} camera with this.", "Got it {ctx_bought}.", "Using it with the {plan_disp} plan.",
    "I mainly use it {ctx_use}.", "Mounted it {ctx_mount}.", "Bought it together with the hub.",
    "This is our third Lumio device.", "Installed it {ctx_mount} last {month_name}.",
]
GENERIC_PRAISE = ["Motion alerts come through really fast.", "The app is simple and clean.",
                  "Two-way audio works well.", "Good value for what you get.", "It just works, which is all I wanted.",
                  "Clips load quickly in the app.", "The spotlight is bright enough to light up the whole drive.",
                  "Feels like a much more expensive product.", "Sound quality is clear on both ends.",
                  "Person detection is accurate, no more alerts for every passing car."]
NEG_OPEN = ["I really wanted to like this.", "Where do I start.", "Honest review:", "Long story short:",
            "Very mixed experience so far.", "Not a happy customer right now."]
POS_CLOSE = ["Highly recommend.", "Very happy with it.", "Five stars from me.", "Would buy again.",
             "Really happy overall.", "Great value for money.", "10/10.", "Does exactly what it should.", "👍",
             "Love it!", "Great product.", "Happy customer here."]
NEG_CLOSE = ["Very disappointed.", "Not impressed.", "Expected much better for the price.", "Really frustrating.",
             "Not happy at all.", "Such a shame.", "Poor.", "Sort it out, Lumio."]
POS_TITLES = ["Great little camera", "Love it", "Does the job", "Five stars", "Solid", "Very happy", "Excellent",
              "Great value", "Works perfectly", "Impressed", "Brilliant", "So far so good", "Really good"]
NEG_TITLES = ["Disappointed", "Not as advertised", "Avoid", "Frustrating", "Poor experience", "Not good", "Meh",
              "Waste of money"]
MIX_TITLES = ["Good but...", "Almost perfect", "Mixed feelings", "Nearly there", "Some issues", "Okay-ish"]
THEME_TITLES = {
    "battery_drain": ["Battery life is a joke", "Battery drains overnight", "Battery dies in a day"],
    "login_2fa": ["Can't log in", "2FA code never arrives", "Locked out"],
    "refund_missing": ["Where is my refund", "Still no refund", "Refund nightmare"],
    "delivery_issue": ["Arrived damaged", "Late delivery", "Shipping disaster"],
    "app_crash": ["App keeps crashing", "Update broke the app", "Crashes constantly"],
    "wifi_disconnect": ["Keeps going offline", "Wi-Fi drops constantly", "Unreliable connection"],
    "double_charge": ["Charged twice", "Billing problems", "Double charged"],
    "cancel_hard": ["Impossible to cancel", "Cancelling is a nightmare"],
}
REQUEST_T = [
    "I wish the {dev_short} had {feat}.", "I wish the app had {feat}.", "Would be great if you added {feat}.",
    "It would be great if there was {feat}.", "Please add {feat}!", "Please add {feat} 🙏", "Can you add {feat}?",
    "Could you please add {feat}?", "Feature request: {feat}.", "It would help if the app showed {show_x}.",
    "Would love to see {feat} in a future update.", "You should add {feat}, {req_tail}.",
    "Any chance of {feat}? I'd love it if that came soon.",
]
CHURN_T = [
    "If this isn't fixed {deadline} I'm switching to {competitor}.", "I'm switching to {competitor}.",
    "Please cancel my plan.", "I want to cancel my subscription{excl}", "Not renewing my {plan_disp} plan.",
    "I'm looking at alternatives now.", "Going to cancel and take my money elsewhere.",
    "Won't renew when the year is up.", "Never buying from you again.", "Seriously considering {competitor} now.",
    "Done with this, moving to {competitor}.", "Honestly done with Lumio.",
]
CHURN_REPEAT_T = [
    "This is the {ordinal} time I'm contacting you about this.", "{Ordinal} time I'm writing about the same issue.",
    "This is the {ordinal} time I've contacted support about this{excl}",
    "{Ordinal} time I am reaching out and nothing changes.",
]
# guards: customer text of a customer NOT planted with the signal must never match these
REQ_GUARD = re.compile(
    r"\b(i wish|i'?d love|i would love|would be (great|nice|awesome|good|helpful|cool) if|would love to see|"
    r"please add|pls add|(can|could) you (please )?add|feature request|it would help if|hope you (will )?add|"
    r"you should add|why (is there no|isn't there|can'?t i)|any chance of)\b", re.I)
CHURN_GUARD = re.compile(
    r"\b(switch(ing|ed)? to|mov(e|ing) to|cancel\w*|(second|third|fourth|fifth|2nd|3rd|4th|5th|\d+(st|nd|rd|th)) "
    r"time|never (buying|buy|ordering)|done with|last chance|alternatives|elsewhere|won'?t renew|not renewing|"
    r"considering)\b", re.I)

# --------------------------------------------------------------------------------------------------
# phrasing halves. The phrasings above (REQUEST_T, CHURN_T, CHURN_REPEAT_T, the motive sentences in
# CONTEXT, REPEAT_REF, CUST_THANKS, CUST_UNRESOLVED) are the *tune* half: the profile detectors may be
# developed against them. The *_TUNE2 lists below were first written as a held-out half, but detector rules
# were later written after reading their errors ("do you plan to offer X", "working again", "went with
# Lumio", ...), so they are part of the tune half now (--phrasings tune2, the bundled demo). The *_HELD lists
# further below are the held-out half proper (--phrasings held): paraphrases written after the detectors,
# which no rule, fitted head or threshold may be developed against; scripts/eval_profiles.py on a corpus
# written with them measures phrasings the detectors never saw. Each replacement sentence replaces a tune
# sentence of the same kind, drawn from a separate RNG, so the demo's structure (customers, items, dates,
# ratings, themes) is identical in every half and only these sentences differ.
# --------------------------------------------------------------------------------------------------
REQUEST_TUNE2 = [
    "Really hoping you bring out {feat} soon.", "Is {feat} on the roadmap?", "Are there any plans for {feat}?",
    "Desperately need {feat}.", "My one ask: {feat}.", "Adding {feat} would make this a five-star product.",
    "Do you plan to offer {feat}?", "Hope the next update brings {feat}.", "Give us {feat}, please!",
    "Missing {feat} though, please consider it.", "Would pay extra for {feat}.",
    "It really should show {show_x}.",
]
CHURN_TUNE2 = [
    "My subscription ends next month and I won't be extending it.", "Thinking hard about leaving Lumio.",
    "Ready to return everything and go with {competitor}.", "If nothing changes {deadline}, I'm out.",
    "I've had enough, the cameras are going back.", "This is my last month with Lumio.",
    "Give me one reason to stay.", "About to give up on Lumio altogether.",
    "Close to ditching the whole system for {competitor}.", "{competitor} is looking better every day.",
    "Not paying for another year of this.", "Lumio has lost me as a customer.",
]
CHURN_REPEAT_TUNE2 = [
    "I have now reached out {n_contacts} times about this.", "How many times do I have to report this?",
    "Yet again I'm having to chase you about this{excl}", "{Ordinal} chat with you about the exact same fault.",
]
# motive kinds: which tune CONTEXT sentences say why the customer bought (the rest are context only)
MOTIVE_TUNE = {
    "Got this as a gift from my {relative}.": "gift",
    "A friend recommended Lumio to me.": "recommendation",
    "Our old camera gave up so I needed something quick.": "replacement",
    "We live in a ground floor flat, so this was a must.": "security",
    "Bought it mainly for peace of mind when travelling.": "security",
    "I run a small {shop} and use it after closing.": "business",
    "Replaced an old {competitor} camera with this.": "replacement",
}
MOTIVE_BOUGHT = {"as a gift": "gift", "on sale": "price", "after reading a few comparisons": "research"}
MOTIVE_TUNE2 = {
    "security": ["After a burglary two doors down we wanted eyes on the house.",
                 "I wanted to feel safer when I'm away for work.",
                 "Picked it up so the house is watched while we're on holiday.",
                 "Someone tried our back door last winter, that's why we got it."],
    "gift": ["My {relative} surprised me with it for my birthday.", "It was a Christmas present from my {relative}.",
             "Ordered it as a birthday present for my {relative}."],
    "recommendation": ["Went with Lumio because my neighbour swears by it.",
                       "A colleague showed me his and I ordered one the same day.",
                       "My brother-in-law has three of these and talked me into it."],
    "replacement": ["It replaces a {competitor} camera that died after two years.",
                    "Needed a new one after the old doorbell stopped working.",
                    "Our previous system was ancient, so it was time for something new."],
    "business": ["Needed something to watch the {shop} overnight.",
                 "We got it to keep an eye on the till at our {shop}."],
    "price": ["The Black Friday deal was too good to pass up.", "Picked Lumio because it costs less than the big brands.",
              "It was half price, so I took the plunge."],
    "research": ["Chose it after comparing five cameras side by side.",
                 "Spent weeks reading reviews before settling on this one."],
}
GIFT_COMPLAINT = re.compile(r"[Ii]t was supposed to be an? [\w ]+? present")
NEUTRAL_BOUGHT_TUNE2 = ["Ordered it online and it came in two days.", "Picked it up at a local electronics store."]
REPEAT_REF_TUNE2 = [
    "Back again about the {issue}, nothing has improved.", "We spoke about the {issue} before and it's happening again.",
    "Your colleague's fix for the {issue} didn't last.", "Contacting you once more, the {issue} problem is back.",
    "The {issue} issue I reported earlier has returned.", "Reopening my earlier case about the {issue}.",
]
# closing turns: CUST_THANKS are confirmations except the tentative one; CUST_UNRESOLVED are open
TENTATIVE_TUNE = {"Ok thanks, I'll try that."}
RESOLVED_TUNE2 = ["Just checked and it's fine now, thank you!", "Problem solved, cheers.",
                 "Yes, that fixed it. Much appreciated.", "Working again, thanks a lot.",
                 "Confirmed, everything is back to normal.", "All good on my end now, thanks."]
TENTATIVE_TUNE2 = ["I'll give that a go, thanks.", "Ok, will test it tonight and see."]
OPEN_TUNE2 = ["That's not a solution.", "Nothing has changed on my side.", "I'm still stuck with the same problem.",
             "Not resolved, and I'm running out of patience.", "So I just wait again? Great.",
             "You said that last time.", "Honestly that answer doesn't fix anything."]

# the held-out half proper: written after the detectors, never used to develop one
REQUEST_HELD = [
    "The app badly lacks {feat}.", "What I'm missing most is {feat}.", "Top of my list for the next release: {feat}.",
    "{feat} would be a game changer.", "Begging you for {feat}.", "If only it had {feat}.",
    "I'd happily upgrade for {feat}.", "How hard can it be to offer {feat}?", "Really hope {feat} is coming.",
    "Whoever plans the features: {feat}, please.", "It ought to display {show_x}.",
    "I'd like to be able to see {show_x} at a glance.",
]
CHURN_HELD = [
    "Looking into {competitor} as we speak.", "I'll be cancelling at the end of this billing cycle.",
    "My patience with Lumio has run out, time to shop around.", "Unless this is sorted {deadline}, you've lost a customer.",
    "We're seriously thinking of replacing the whole lot with {competitor}.", "Don't expect me to renew.",
    "I regret buying into Lumio and I'm on my way out.", "Not sure why I'm still paying for this.",
    "Boxing the cameras up to send them back.", "Already comparing prices at {competitor}.",
    "Last straw, I'm leaving.", "You're about to lose a loyal customer.",
]
CHURN_REPEAT_HELD = [
    "This makes {n_contacts} contacts about one problem{excl}", "I keep having to get in touch about this.",
    "Once more I'm writing in about the same fault{excl}", "{Ordinal} attempt to get this fixed through support.",
]
MOTIVE_HELD = {
    "security": ["We wanted to see who's at the door when nobody is home.",
                 "There were break-ins on our street, so we invested in cameras.",
                 "Keeping an eye on the house while we travel was the whole point."],
    "gift": ["Received it as a housewarming present from my {relative}.", "My {relative} gave me this for Christmas.",
             "Treated my {relative} to one for their birthday."],
    "recommendation": ["Bought it on my neighbour's advice.", "Everyone in my family uses Lumio, so I followed suit.",
                       "My sister raved about hers, so I got one too."],
    "replacement": ["Our old doorbell camera finally died, so this is its successor.",
                    "Swapped out a {competitor} camera for this one.",
                    "It took over from a cheap camera that kept failing."],
    "business": ["I use it to monitor the stockroom of my {shop}.",
                 "Bought for our {shop}, mostly to deter shoplifters."],
    "price": ["It was on offer and much cheaper than the alternatives.", "The price made it an easy decision.",
              "Couldn't beat the deal during the summer sale."],
    "research": ["Picked it after a month of comparing specs.",
                 "Did my homework on several brands and this came out on top."],
}
NEUTRAL_BOUGHT_HELD = ["Came in a well packed box a few days after ordering.", "Bought it from the Lumio web shop."]
REPEAT_REF_HELD = [
    "The {issue} thing is happening again, like I told you last time.",
    "I'm back because the {issue} problem never went away.", "Following up on my previous ticket about the {issue}.",
    "Same {issue} trouble as before, I'm afraid.", "The {issue} fault has come back after your last fix.",
]
RESOLVED_HELD = ["Tested it just now and everything works, thanks.", "That sorted it, thank you!",
                 "Brilliant, the problem is gone.", "Issue fixed on my side, thanks again.",
                 "It's behaving normally again, cheers.", "Perfect, all fixed."]
TENTATIVE_HELD = ["Ok, I'll try that later and let you know.", "Let me have a go at that tomorrow.",
                  "Will do that this evening, thanks."]
OPEN_HELD = ["That doesn't help me at all.", "I've already tried all of that.",
             "Same problem, nothing you suggested works.", "So nobody can actually fix this?",
             "Still broken, as before.", "This is going nowhere.", "I expected a real answer, not this."]
PHRASING_BANKS = {
    half: {"request": req, "churn": churn, "churn_repeat": rep, "motive": mot, "neutral_bought": nb,
           "repeat_ref": ref, "resolved": res, "tentative": ten, "open": op}
    for half, (req, churn, rep, mot, nb, ref, res, ten, op) in {
        "tune2": (REQUEST_TUNE2, CHURN_TUNE2, CHURN_REPEAT_TUNE2, MOTIVE_TUNE2, NEUTRAL_BOUGHT_TUNE2,
                  REPEAT_REF_TUNE2, RESOLVED_TUNE2, TENTATIVE_TUNE2, OPEN_TUNE2),
        "held": (REQUEST_HELD, CHURN_HELD, CHURN_REPEAT_HELD, MOTIVE_HELD, NEUTRAL_BOUGHT_HELD, REPEAT_REF_HELD,
                 RESOLVED_HELD, TENTATIVE_HELD, OPEN_HELD),
    }.items()
}
PHRASINGS = ("tune", "tune2", "held")

_SLOT = re.compile(r"\{(\w+)\}")
_KEEP_CASE = ("I ", "I'", "Wi-Fi", "Lumio", "Protect", "Google", "HomeKit", "Christmas", "PayPal", "Klarna",
              "Basic", "Premium", "Business", "Night", "Veyra", "Brightwatch", "Orbiq", "HomeSight") + tuple(AGENTS)


def fill(r: random.Random, tpl: str, ctx: dict | None = None) -> str:
    ctx = ctx or {}

    def rep(m):
        k = m.group(1)
        v = ctx[k] if k in ctx else G[k]
        if isinstance(v, list):
            v = r.choice(v)
        elif callable(v):
            v = v(r)
        return fill(r, v, ctx) if "{" in v else v

    out = _SLOT.sub(rep, tpl)
    return out[:1].upper() + out[1:] if out else out


def lower_first(s: str) -> str:
    if s.startswith(_KEEP_CASE):
        return s
    return s[:1].lower() + s[1:]


def clause(s: str) -> str:
    return s.rstrip(" .!?🙄😍👍")


# --------------------------------------------------------------------------------------------------
# typos and casual style
# --------------------------------------------------------------------------------------------------
_CASUAL = [("I'm ", "Im "), ("don't", "dont"), ("can't", "cant"), ("doesn't", "doesnt"), ("it's", "its"),
           ("really", "realy"), ("definitely", "definately"), ("received", "recieved"), ("because", "bc"),
           ("though", "tho"), ("you", "u"), ("your", "ur"), ("Wi-Fi", "wifi"), ("Wi-Fi", "WiFi")]


def typo(r: random.Random, s: str, social: bool = False) -> str:
    for a, b in _CASUAL:
        if a in s and r.random() < (0.25 if social else 0.08):
            if b in ("u", "ur") and not social:
                continue
            s = s.replace(a, b, 1) if a not in ("you", "your") else re.sub(rf"\b{a}\b", b, s, count=1)
    words = s.split(" ")
    cand = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha() and w.islower()]
    if cand and r.random() < 0.35:
        i = r.choice(cand)
        w = words[i]
        j = r.randrange(1, len(w) - 1)
        op = r.random()
        if op < 0.4:
            w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        elif op < 0.7:
            w = w[:j] + w[j + 1:]
        else:
            w = w[:j] + w[j] + w[j:]
        words[i] = w
    return " ".join(words)


# --------------------------------------------------------------------------------------------------
# people
# --------------------------------------------------------------------------------------------------
REGIONS = {
    "DE": ("Germany", 0.25, ["Anna", "Lukas", "Julia", "Felix", "Sabine", "Jan", "Katrin", "Tobias", "Miriam", "Stefan",
                             "Lea", "Markus", "Nina", "Jens", "Claudia", "Moritz"],
           ["Schmidt", "Müller", "Weber", "Becker", "Hoffmann", "Koch", "Wagner", "Schulz", "Richter", "Klein",
            "Wolf", "Neumann", "Braun", "Krüger"]),
    "US": ("United States", 0.20, ["Jessica", "Mike", "Ashley", "Chris", "Brandon", "Megan", "Tyler", "Lauren",
                                   "Kevin", "Rachel", "Jordan", "Amanda", "Derek", "Tasha"],
           ["Johnson", "Miller", "Davis", "Garcia", "Wilson", "Anderson", "Thompson", "Martinez", "Clark", "Lewis",
            "Walker", "Young"]),
    "UK": ("United Kingdom", 0.18, ["Oliver", "Amelia", "Harry", "Sophie", "George", "Emily", "Jack", "Charlotte",
                                    "Callum", "Niamh", "Rhys", "Freya"],
           ["Smith", "Jones", "Taylor", "Brown", "Evans", "Roberts", "Hughes", "Wright", "Patel", "Khan", "Walsh",
            "Murphy"]),
    "TR": ("Türkiye", 0.12, ["Ayşe", "Mehmet", "Elif", "Emre", "Zeynep", "Burak", "Deniz", "Can", "Selin", "Murat",
                             "Ece", "Kerem"],
           ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın", "Öztürk", "Arslan", "Doğan", "Kılıç"]),
    "FR": ("France", 0.12, ["Camille", "Louis", "Manon", "Hugo", "Chloé", "Lucas", "Léa", "Théo", "Inès", "Julien"],
           ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy", "Moreau", "Fournier"]),
    "NL": ("Netherlands", 0.13, ["Daan", "Emma", "Sem", "Sanne", "Bram", "Fleur", "Ruben", "Lotte", "Thijs", "Iris"],
           ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos"]),
}
DST_OFFSETS = {"DE": (1, 2), "NL": (1, 2), "FR": (1, 2), "UK": (0, 1), "TR": (3, 3), "US": (-5, -4), "FI": (2, 3)}
MAIL_DOMAINS = ["example.com", "example.net", "example.org", "mail.example", "inbox.example"]
ASCII = str.maketrans({"ü": "ue", "ö": "oe", "ä": "ae", "ş": "s", "ç": "c", "ğ": "g", "ı": "i", "é": "e",
                       "è": "e", "Ş": "S", "Ç": "C", "Ö": "O", "Ü": "U", "İ": "I", " ": ""})
HANDLE_WORDS = ["tech", "home", "cam", "dad", "mum", "gadget", "smart", "geek", "life", "daily", "nerd", "diy",
                "garden", "coffee", "runner", "photo", "the", "real", "just", "its"]
COMPANY_WORDS = ["bakery", "bikes", "studio", "dental", "florist", "garage", "kiosk", "optik", "cafe", "salon",
                 "autohaus", "atelier", "market", "print"]


@dataclass
class Item:
    kind: str                      # review | conv | post
    when: datetime
    product: str = ""              # product key
    rating: int | None = None
    pains: list = field(default_factory=list)
    praise: list = field(default_factory=list)
    request: bool = False
    churn: bool = False
    churn_repeat: int = 0          # >0: "second/third time I'm contacting you" (conversation number)
    mismatch: str = ""             # "" | "neg_in_high" | "praise_in_low"
    resolved: bool = True
    repeat_of: int = 0             # conversation number within a repeated issue (1, 2, 3)
    howto: str = ""
    platform: str = ""
    handle: str = ""
    source_id: str = ""
    texts: list = field(default_factory=list)   # customer-authored texts (for guards)
    asks: list = field(default_factory=list)    # (sentence, object) of each request written
    motives: list = field(default_factory=list)  # (kind, sentence) of each purchase motive written
    close: str = ""                # last customer turn of a support conversation: resolved | unknown | open


@dataclass
class Cust:
    cid: str
    region: str
    country: str
    first: str
    last: str
    email: str
    plan: str
    segment: str
    age_band: str
    company_size: str
    owned: list
    kind: str = "ordinary"          # silent | clean | ordinary | planted
    signals: set = field(default_factory=set)
    pains: set = field(default_factory=set)
    items: list = field(default_factory=list)
    handles: list = field(default_factory=list)   # (handle, platform)
    notes: list = field(default_factory=list)
    lang: str = "en"                # the language the customer writes in (demo_languages.py for tr, fi, de)


class Gen:
    def __init__(self, seed: int, n_customers: int, phrasings: str = "tune2"):
        if phrasings not in PHRASINGS:
            raise ValueError(f"phrasings must be one of {', '.join(PHRASINGS)} (got {phrasings!r})")
        self.r = random.Random(seed)
        self.phrasings = phrasings
        self.pr = random.Random(f"{seed}-phrasings")  # draws held-out sentences without touching self.r
        self.n = n_customers
        self.seed = seed
        self.custs: list[Cust] = []
        self.used_handles: set[str] = set()
        self.seen_emails: set[str] = set()
        # the Turkish, Finnish and German customers (add_languages) draw from their own RNG, after the English
        # corpus is written, so the English customers and records are the same with or without them
        self.foreign: list[Cust] = []
        self.lr = random.Random(f"{seed}-languages")

    # ---------------------------------------------------------------------------------------- dates
    def when(self, theme: str | None = None, after: datetime | None = None, gap_days=(2, 30)) -> datetime:
        r = self.r
        if after is not None:
            d = after + timedelta(days=r.uniform(*gap_days), minutes=r.randint(0, 600))
            return min(d, datetime(2026, 3, 31, 21, 0, tzinfo=timezone.utc))
        w = [BASE_VOLUME[m] * (TRENDS[theme][m] if theme in TRENDS else 1.0) for m in range(12)]
        m = r.choices(range(12), weights=w)[0]
        y, mo = map(int, MONTHS[m].split("-"))
        first = datetime(y, mo, 1, tzinfo=timezone.utc)
        nxt = datetime(y + (mo == 12), mo % 12 + 1, 1, tzinfo=timezone.utc)
        hour = r.choices(range(24), weights=[1, 1, 1, 1, 1, 1, 2, 4, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 9, 9, 8, 5, 2])[0]
        day = r.randrange((nxt - first).days)
        return first + timedelta(days=day, hours=hour, minutes=r.randint(0, 59), seconds=r.randint(0, 59))

    @staticmethod
    def local_iso(d: datetime, region: str) -> str:
        lo, hi = DST_OFFSETS[region]
        summer = 4 <= d.month <= 10 or (d.month == 3 and d.day >= 29)
        off = hi if summer else lo
        return d.astimezone(timezone(timedelta(hours=off))).isoformat(timespec="seconds")

    # ---------------------------------------------------------------------------------------- people
    def make_customers(self):
        r = self.r
        codes = list(REGIONS)
        weights = [REGIONS[c][1] for c in codes]
        for i in range(self.n):
            region = r.choices(codes, weights=weights)[0]
            country, _, firsts, lasts = REGIONS[region]
            self.custs.append(self.new_customer(10001 + i, region, country, firsts, lasts))

    def new_customer(self, number: int, region: str, country: str, firsts: list, lasts: list) -> Cust:
        r = self.r
        seen_emails = self.seen_emails
        first, last = r.choice(firsts), r.choice(lasts)
        seg = "smb" if r.random() < 0.15 else "consumer"
        if seg == "smb":
            plan = "business" if r.random() < 0.8 else "premium"
            size = r.choices(["1-9", "10-49", "50-249"], weights=[6, 3, 1])[0]
            dom = f"{r.choice(COMPANY_WORDS)}-{last.translate(ASCII).lower()}.example"
            email = f"{first.translate(ASCII).lower()}@{dom}"
        else:
            plan = r.choices(["basic", "premium"], weights=[53, 47])[0]
            size = ""
            sep = r.choice([".", "_", ""])
            num = r.choice(["", "", str(r.randint(1, 99)), str(r.randint(1970, 2001))])
            email = f"{first.translate(ASCII).lower()}{sep}{last.translate(ASCII).lower()}{num}@{r.choice(MAIL_DOMAINS)}"
        while email in seen_emails:
            email = email.replace("@", f"{r.randint(1, 9)}@")
        seen_emails.add(email)
        age = r.choices(["18-24", "25-34", "35-44", "45-54", "55-64", "65+"], weights=[8, 24, 26, 20, 13, 9])[0]
        if r.random() < 0.03:
            age = ""
        n_own = r.choices([1, 2, 3], weights=[5, 3, 2])[0] + (1 if seg == "smb" else 0)
        owned = r.sample(HARDWARE[:3], k=min(3, n_own))
        if r.random() < 0.4 or seg == "smb":
            owned.append("hub")
        return Cust(cid=f"CU-{number}", region=region, country=country, first=first, last=last,
                    email=email, plan=plan, segment=seg, age_band=age, company_size=size, owned=owned)

    def new_handle(self, c: Cust | None) -> str:
        r = self.r
        while True:
            if c is not None and r.random() < 0.6:
                base = r.choice([c.first, c.first + c.last[:1], c.first[:1] + c.last, c.last])
                base = base.translate(ASCII)
                h = base + r.choice(["", "_", ""]) + r.choice(["", str(r.randint(1, 99)), r.choice(HANDLE_WORDS)])
            else:
                h = r.choice(HANDLE_WORDS) + r.choice(["_", "", "."]) + r.choice(HANDLE_WORDS) + str(r.randint(1, 999))
                h = h.replace(".", "_")
            h = "@" + (h.lower() if r.random() < 0.7 else h)
            if h.lower() not in self.used_handles and h.lower() != BRAND_HANDLE.lower():
                self.used_handles.add(h.lower())
                return h

    # ---------------------------------------------------------------------------------------- stories
    def assign_roles(self):
        r = self.r
        n = self.n
        ids = list(range(n))
        r.shuffle(ids)
        n_silent = round(0.04 * n)
        n_planted = round(0.29 * n)
        n_clean = round(0.28 * n)
        silent, planted = ids[:n_silent], ids[n_silent:n_silent + n_planted]
        clean = ids[n_silent + n_planted:n_silent + n_planted + n_clean]
        for i in silent:
            self.custs[i].kind = "silent"
        for i in clean:
            self.custs[i].kind = "clean"
        for i in ids[n_silent + n_planted + n_clean:]:
            self.custs[i].kind = "ordinary"
        targets = {"rating_text_mismatch": 0.075, "cross_channel_gap": 0.065, "repeat_contact": 0.065,
                   "request": 0.08, "churn": 0.07}
        pool = [self.custs[i] for i in planted]
        for c in pool:
            c.kind = "planted"
        order = list(pool)
        r.shuffle(order)
        # every planted customer gets one signal round-robin, the rest are drawn with overlap
        kinds = list(targets)
        counts = {k: max(15, round(v * n)) for k, v in targets.items()}
        for j, c in enumerate(order):
            k = kinds[j % len(kinds)]
            c.signals.add(k)
        for k in kinds:
            have = sum(k in c.signals for c in pool)
            extra = [c for c in pool if k not in c.signals and len(c.signals) < 3]
            r.shuffle(extra)
            for c in extra[:max(0, counts[k] - have)]:
                c.signals.add(k)

    def pick_product(self, c: Cust, theme: str) -> str:
        opts = [p for p in THEME_PRODUCTS[theme] if p in c.owned or p in ("app", "plan")]
        if not opts:
            opts = THEME_PRODUCTS[theme]
            p = self.r.choice(opts)
            if p in HARDWARE and p not in c.owned:
                c.owned.append(p)
            return p
        return self.r.choice(opts)

    def pick_pains(self, k: int, exclude=()) -> list[str]:
        themes = [t for t in THEME_SIZE if t not in exclude]
        out = []
        while len(out) < k:
            t = self.r.choices(themes, weights=[THEME_SIZE[x] for x in themes])[0]
            if t not in out:
                out.append(t)
        return out

    def praise_pick(self, product: str) -> list[str]:
        opts = [t for t in PRAISE_THEMES if t != "helpful_agent" and product in THEME_PRODUCTS[t]] or ["easy_setup"]
        k = self.r.choices([1, 2], weights=[6, 4])[0]
        out = self.r.sample(opts, k=min(k, len(opts)))
        if self.r.random() < 0.12:
            out.append("helpful_agent")
        return out

    def review(self, c: Cust, rating: int, pains=(), praise=None, theme_for_date=None, **kw) -> Item:
        theme = theme_for_date or (pains[0] if pains else None)
        if pains:
            product = self.pick_product(c, pains[0])
        else:
            product = self.r.choice(c.owned + (["app"] if self.r.random() < 0.1 else []))
        if praise is None:
            praise = self.praise_pick(product) if (rating >= 3 or kw.get("mismatch") == "praise_in_low") else []
        it = Item("review", self.when(theme), product=product, rating=rating, pains=list(pains), praise=list(praise), **kw)
        c.items.append(it)
        return it

    def conv(self, c: Cust, theme: str | None, howto: str = "", after=None, gap=(2, 30), **kw) -> Item:
        product = self.pick_product(c, theme) if theme else self.r.choice(c.owned)
        it = Item("conv", self.when(theme, after=after, gap_days=gap), product=product,
                  pains=[theme] if theme else [], howto=howto, **kw)
        if theme is None and not howto:
            raise ValueError("conversation needs a theme or a how-to topic")
        c.items.append(it)
        return it

    def post(self, c: Cust, theme: str | None, praise=(), **kw) -> Item:
        if not c.handles:
            self.add_handle(c)
        h, plat = self.r.choice(c.handles)
        product = self.pick_product(c, theme) if theme else self.r.choice(c.owned)
        it = Item("post", self.when(theme), product=product, pains=[theme] if theme else [], praise=list(praise),
                  handle=h, platform=plat, **kw)
        c.items.append(it)
        return it

    def add_handle(self, c: Cust):
        plat = self.r.choices(["twitter", "instagram", "reddit", "facebook"], weights=[40, 22, 20, 18])[0]
        h = self.new_handle(c)
        c.handles.append((h, plat))
        if self.r.random() < 0.15:
            other = self.r.choice([p for p in ["twitter", "instagram", "reddit", "facebook"] if p != plat])
            c.handles.append((h if self.r.random() < 0.6 else self.new_handle(c), other))

    def howto_topic(self) -> str:
        return self.r.choice(list(HOWTO))

    def story_clean(self, c: Cust):
        r = self.r
        for _ in range(r.choices([1, 2, 3, 4, 5], weights=[15, 28, 27, 18, 12])[0]):
            self.review(c, r.choices([5, 4], weights=[65, 35])[0])
        if r.random() < 0.3:
            self.conv(c, None, howto=self.howto_topic())
        if r.random() < 0.5:
            for _ in range(r.choice([1, 1, 2, 3])):
                prod = r.choice(c.owned)
                self.post(c, None, praise=self.praise_pick(prod))

    def story_ordinary(self, c: Cust):
        r = self.r
        pains = self.pick_pains(r.choices([1, 2], weights=[7, 3])[0])
        c.pains.update(pains)
        for t in pains:
            chans = [ch for ch, p in (("review", 0.8), ("conv", 0.62), ("post", 0.5)) if r.random() < p] or ["review"]
            if "review" in chans and r.random() < 0.4:
                chans.append("review")
            if "post" in chans and r.random() < 0.4:
                chans.append("post")
            for ch in chans:
                if ch == "review":
                    rating = r.choices([1, 2, 3], weights=[4, 3, 3])[0]
                    self.review(c, rating, pains=[t], praise=None if rating == 3 else [])
                elif ch == "conv":
                    self.conv(c, t, resolved=r.random() < 0.6)
                else:
                    self.post(c, t)
        if r.random() < 0.12:
            self.conv(c, None, howto=self.howto_topic())

    def story_planted(self, c: Cust):
        r = self.r
        S = c.signals
        main = None
        if "churn" in S and r.random() < 0.45:
            main = "cancel_hard"
            c.plan = c.plan if c.plan != "basic" or r.random() < 0.5 else "premium"
        needs_pain = bool(S & {"cross_channel_gap", "repeat_contact", "churn"}) or (
            "rating_text_mismatch" in S and r.random() < 0.75)
        if main is None and needs_pain:
            main = self.pick_pains(1)[0]
        if main:
            c.pains.add(main)
        mismatch_type = ""
        if "rating_text_mismatch" in S:
            mismatch_type = "neg_in_high" if main and (r.random() < 0.8 or "cross_channel_gap" in S) else "praise_in_low"
        gap_theme = None
        if "cross_channel_gap" in S:
            gap_theme = main
            # positive reviews that never mention the gap theme
            for _ in range(r.choices([1, 2], weights=[6, 4])[0]):
                self.review(c, r.choices([5, 4], weights=[6, 4])[0])
            c.notes.append(f"rates 4-5 stars in reviews but complains about {gap_theme} in support/social only")
        # ---------------- reviews
        if mismatch_type == "neg_in_high":
            theme = main
            if gap_theme:  # the mismatched review must complain about a different theme
                theme = self.pick_pains(1, exclude=(gap_theme,))[0]
                c.pains.add(theme)
            it = self.review(c, r.choice([4, 5]), pains=[theme], mismatch="neg_in_high")
            c.notes.append(f"{it.rating}-star review complains about {theme}")
        elif mismatch_type == "praise_in_low":
            it = self.review(c, r.choice([1, 2]), pains=[], mismatch="praise_in_low")
            c.notes.append(f"{it.rating}-star review is full of praise")
        # ---------------- support / social for the main pain
        convs = []
        if "repeat_contact" in S:
            n_conv = r.choices([2, 3], weights=[6, 4])[0]
            prev = None
            for k in range(1, n_conv + 1):
                it = self.conv(c, main, after=prev.when if prev else None, gap=(3, 25), resolved=False, repeat_of=k)
                convs.append(it)
                prev = it
            if "churn" in S:
                convs[-1].churn = True
                convs[-1].churn_repeat = n_conv
            c.notes.append(f"{n_conv} support conversations about {main}, still unresolved")
        elif main and main != "cancel_hard" and (gap_theme or r.random() < 0.6):
            if gap_theme and r.random() < 0.3:
                self.post(c, main)
            else:
                convs.append(self.conv(c, main, resolved=r.random() < 0.4 and "churn" not in S))
        elif main == "cancel_hard":
            convs.append(self.conv(c, main, resolved=False))
        elif main and not gap_theme and mismatch_type != "neg_in_high":
            self.review(c, r.choice([1, 2]), pains=[main])
        # a planted customer without a gap may also have a low review about the main pain
        if main and not gap_theme and mismatch_type != "neg_in_high" and r.random() < 0.5:
            self.review(c, r.choice([1, 2, 3]), pains=[main], praise=None)
        # ---------------- churn talk
        if "churn" in S and not any(i.churn for i in c.items):
            where = r.choices(["conv", "post", "review"], weights=[5, 3, 2 if not gap_theme else 0])[0]
            if where == "conv" and convs:
                convs[-1].churn = True
            elif where == "conv" or (where == "review" and gap_theme):
                self.conv(c, main, resolved=False, churn=True)
            elif where == "post":
                self.post(c, main, churn=True)
            else:
                self.review(c, r.choice([1, 2]), pains=[main], churn=True)
            c.notes.append("talks about leaving")
        # ---------------- requests
        if "request" in S:
            where = r.choices(["review", "conv", "post"], weights=[45, 30, 25])[0]
            reviews = [i for i in c.items if i.kind == "review"]
            if where == "review" and reviews:
                r.choice(reviews).request = True
            elif where == "review":
                self.review(c, r.choice([4, 5]) if not c.pains or gap_theme else r.choice([2, 3]),
                            pains=[] if (gap_theme or not c.pains) else [main], request=True)
            elif where == "conv" and convs:
                r.choice(convs).request = True
            elif where == "conv":
                self.conv(c, None, howto="feature", request=True)
            else:
                theme = main if gap_theme else None
                self.post(c, theme, praise=[] if theme else self.praise_pick(r.choice(c.owned)), request=True)
            c.notes.append("asks for a feature")
        # some planted customers also have consistent extra activity
        if r.random() < 0.35 and not c.pains and "praise_in_low" != mismatch_type:
            self.review(c, r.choice([4, 5]))
        if not c.items:
            self.review(c, 5)

    # ---------------------------------------------------------------------------------------- text
    def ctx(self, c: Cust | None, it: Item) -> dict:
        r = self.r
        p = it.product
        owned = c.owned if c else ["cam_indoor"]
        dev = DEV_SHORT.get(p) or DEV_SHORT[r.choice([x for x in owned if x in DEV_SHORT] or ["cam_indoor"])]
        d = it.when
        past = [d - timedelta(days=k) for k in range(10, 46)]
        months_back = [(d.replace(day=1) - timedelta(days=1 + 30 * k)).strftime("%B") for k in range(0, 3)]
        dated = {
            "date_txt": [f"{x.day} {x.strftime('%B')}" for x in past],
            "month_name": months_back,
            "next_when": ["the next month", "two days later", "again this month"],
            # firmware 4.1 (Oct 2025) and app 5.0 (Sep 2025) are only named after they shipped
            "fw": G["fw"] if d >= datetime(2025, 10, 1, tzinfo=timezone.utc) else
                  ["last firmware update", "latest update", "update a few weeks ago", "last update"],
            "app_ver": G["app_ver"] if d >= datetime(2025, 9, 1, tzinfo=timezone.utc) else ["latest", "last", "recent"],
            "fw_ver": G["fw_ver"] if d >= datetime(2025, 10, 1, tzinfo=timezone.utc) else ["4.0.9", "4.0.7", "4.0.9.210"],
        }
        if c is None:
            return {"dev_short": dev, "plan_name": "Lumio Protect", "plan_price": "9.99", "plan_disp": "Premium",
                    "ordinal": "second", "Ordinal": "Second", **dated}
        return {**dated, "dev_short": dev, "plan_name": [f"Protect {PLAN_DISP[c.plan]}", f"my {PLAN_DISP[c.plan]} plan",
                                                "Lumio Protect", "the subscription"],
                "plan_price": PLAN_PRICE[c.plan], "plan_disp": PLAN_DISP[c.plan], "Ordinal": "Second",
                "ordinal": "second"}

    def sentences(self, bank: dict, theme: str, ctx: dict, k: int) -> list[str]:
        out: list[str] = []
        tries = 0
        while len(out) < k and tries < 30:
            tries += 1
            s = fill(self.r, self.r.choice(bank[theme]), ctx)
            if s not in out and not any(s[:14] == o[:14] for o in out):
                out.append(s)
        return out

    def complaint(self, theme, ctx, k=1):
        return self.sentences(COMPLAINTS, theme, ctx, k)

    def praise_s(self, theme, ctx, k=1):
        return self.sentences(PRAISES, theme, ctx, k)

    def held(self, tune_text: str, kind, ctx) -> str:
        """The tune sentence (already drawn from self.r), or one of the same kind from the chosen bank
        (``kind``: a PHRASING_BANKS key, or ("motive", motive kind))."""
        if self.phrasings == "tune":
            return tune_text
        bank = PHRASING_BANKS[self.phrasings]
        choices = bank[kind[0]][kind[1]] if isinstance(kind, tuple) else bank[kind]
        return fill(self.pr, self.pr.choice(choices), ctx)

    def request_s(self, ctx, it: Item):
        s = self.held(fill(self.r, self.r.choice(REQUEST_T), ctx), "request", ctx)
        obj = max((x for x in G["feat"] + G["show_x"] if x.lower() in s.lower()), key=len)
        it.asks.append((s, obj))
        return s

    def churn_s(self, ctx, repeat_n=0):
        if repeat_n:
            ordn = {2: "second", 3: "third"}[repeat_n]
            ctx = dict(ctx, ordinal=ordn, Ordinal=ordn.capitalize())
            return self.held(fill(self.r, self.r.choice(CHURN_REPEAT_T), ctx), "churn_repeat", ctx)
        return self.held(fill(self.r, self.r.choice(CHURN_T), ctx), "churn", ctx)

    def context_s(self, ctx, it: Item):
        """A context sentence for a review; motive sentences are recorded with their kind."""
        tpl = self.r.choice(CONTEXT)
        s = fill(self.r, tpl, ctx)
        kind = MOTIVE_TUNE.get(tpl)
        if tpl == "Got it {ctx_bought}.":
            kind = next((k for phrase, k in MOTIVE_BOUGHT.items() if phrase in s), None)
            if kind is None:
                return s, self.held(s, "neutral_bought", ctx)
        if kind is None:
            return s, s
        alt = self.held(s, ("motive", kind), ctx)
        it.motives.append((kind, alt))
        return s, alt

    def mixed(self, praise: str, complaint: str) -> str:
        j = self.r.choice([" but ", ", but ", ". However, ", " - only problem: ", ". Sadly ", ". Unfortunately "])
        return clause(praise) + j + lower_first(complaint)

    def write_review(self, c: Cust, it: Item) -> tuple[str, str]:
        r = self.r
        ctx = self.ctx(c, it)
        parts: list[tuple[str, bool]] = []     # (sentence, protected from typos)
        long_ = r.random() < 0.25
        short = not long_ and r.random() < 0.2 and not it.mismatch
        if not short and r.random() < (0.7 if long_ else 0.35):
            s, alt = self.context_s(ctx, it)
            parts.append((s, False, alt))
        praise = [s for t in it.praise for s in self.praise_s(t, ctx, 2 if long_ else 1)]
        comp = [s for t in it.pains for s in self.complaint(t, ctx, 3 if long_ else r.choice([1, 2]))]
        if short:
            praise, comp = praise[:1], comp[:1]
        if it.mismatch == "neg_in_high":
            first = praise[0] if praise else self.praise_s("design", ctx)[0]
            parts.append((self.mixed(first, comp[0]), False))
            parts += [(s, False) for s in comp[1:2] + praise[1:]]
            if r.random() < 0.4:
                parts.append((r.choice(["Still, 5 stars from me.", "Otherwise happy.", "Other than that it's great.",
                                        "Overall good."] if it.rating == 5 else ["Otherwise good.", "Overall ok."]), False))
            title = r.choice(POS_TITLES + MIX_TITLES[:3])
        elif it.rating >= 4 or it.mismatch == "praise_in_low":
            if it.mismatch == "praise_in_low":   # "full of praise": at least three positive sentences
                extra = [t for t in PRAISE_THEMES if t not in it.praise and t != "helpful_agent"]
                while len(praise) < 2 and extra:
                    praise += self.praise_s(extra.pop(r.randrange(len(extra))), ctx, 1)
                praise.append(r.choice(GENERIC_PRAISE))
            parts += [(s, False) for s in praise]
            if not short and r.random() < (0.6 if long_ else 0.3):
                parts += [(s, False) for s in r.sample(GENERIC_PRAISE, 2 if long_ else 1)]
            if not short and r.random() < 0.5:
                parts.append((r.choice(POS_CLOSE), False))
            title = r.choice(POS_TITLES)
        elif it.rating == 3 and praise:
            parts.append((self.mixed(praise[0], comp[0]), False))
            parts += [(s, False) for s in comp[1:2] + praise[1:2]]
            title = r.choice(MIX_TITLES)
        else:
            if not parts and not short and r.random() < 0.25:
                parts.append((r.choice(NEG_OPEN), False))
            parts += [(s, False) for s in comp]
            if not short and r.random() < 0.5:
                parts.append((r.choice(NEG_CLOSE), False))
            title = r.choice(NEG_TITLES + THEME_TITLES[it.pains[0]] * 2) if it.pains else r.choice(NEG_TITLES)
        if it.request:
            parts.insert(len(parts) - (1 if len(parts) > 2 else 0), (self.request_s(ctx, it), True))
        if it.churn:
            parts.append((self.churn_s(ctx), True))
        seen, uniq = set(), []
        for p_ in parts:
            if p_[0] not in seen:
                seen.add(p_[0])
                uniq.append(p_)
        text = self.join(uniq)
        if r.random() < 0.05:
            title = ""
        elif r.random() < 0.1:
            title = title.lower()
        return title, text

    def join(self, parts, social=False) -> str:
        r = self.r
        out = []
        for s, protected, *alt in parts:
            held = alt[0] if alt and self.phrasings != "tune" and alt[0] != s else None
            if not protected and r.random() < (0.35 if social else 0.18):
                s = typo(r, s, social)  # always drawn from self.r, so the tune and held corpora stay aligned
                if held is not None:
                    held = typo(self.pr, held, social)
            out.append(held if held is not None else s)
        sep = " "
        text = sep.join(out)
        if len(out) >= 4 and r.random() < 0.25 and not social:
            cut = r.randrange(2, len(out))
            text = " ".join(out[:cut]) + "\n\n" + " ".join(out[cut:])
        if r.random() < 0.04:
            text = text.lower()
        return text

    # ---------------------------------------------------------------------------------------- social
    def write_post(self, c: Cust | None, it: Item, ctx: dict) -> str:
        r = self.r
        plat = it.platform
        parts: list[tuple[str, bool]] = []
        neg = bool(it.pains)
        for t in it.pains:
            parts += [(s, False) for s in self.complaint(t, ctx, 1 if plat == "twitter" else r.choice([1, 2]))]
        for t in it.praise:
            parts += [(s, False) for s in self.praise_s(t, ctx, 1)]
        if it.request:
            parts.append((self.request_s(ctx, it), True))
        if it.churn:
            parts.append((self.churn_s(ctx), True))
        if not parts:
            parts.append((self.praise_s("design", ctx)[0], False))
        tags_neg = ["#fail", "#customerservice", "#smarthome", "#LumioHome", "#techfail", "#notimpressed"]
        tags_pos = ["#smarthome", "#homesecurity", "#LumioCam", "#newhome", "#gadgets", "#homesweethome", "#tech",
                    "#LumioHome", "#security"]
        theme_tags = {"battery_drain": "#batterylife", "delivery_issue": "#delivery", "app_crash": "#bug",
                      "double_charge": "#billing", "wifi_disconnect": "#wifi", "login_2fa": "#2FA"}
        emo_neg, emo_pos = ["😡", "🙄", "😤", "💸", "📦", "🔋", "😩", "👎", "🤦"], ["😍", "🔥", "👍", "🙌", "✨", "📸", "🏡", "💯"]
        emo = emo_neg if neg else emo_pos
        body = self.join(parts, social=True)
        if plat == "twitter":
            lead = BRAND_HANDLE + " " if r.random() < 0.6 else ""
            tags = r.sample(tags_neg if neg else tags_pos, k=r.choice([0, 1, 2]))
            if neg and it.pains[0] in theme_tags and r.random() < 0.5:
                tags.append(theme_tags[it.pains[0]])
            text = f"{lead}{body} {' '.join(r.choices(emo, k=r.choice([0, 1, 1, 2])))} {' '.join(tags)}"
        elif plat == "instagram":
            tags = r.sample(tags_pos if not neg else sorted(set(tags_neg + tags_pos[:3])), k=r.choice([3, 4, 5, 6]))
            text = f"{body} {' '.join(r.choices(emo, k=r.choice([1, 2, 3])))}\n\n{' '.join(tags)}"
        elif plat == "reddit":
            prod = PRODUCTS.get(it.product, "Lumio")
            opener = r.choice([f"{prod} owners, quick question.", f"Has anyone else had this with the {prod}?",
                               f"PSA about the {prod}.", f"Long time lurker, first post about my {prod}.",
                               f"Update on my {prod} after {r.choice(['a month', 'six weeks', 'two months'])}."])
            closer = r.choice(["Any tips?", "Anyone else?", "Curious if this is just me.", "Thoughts?", "",
                               "Edit: typo"]) if neg else r.choice(["Happy so far.", "Just wanted to share.", "", "AMA"])
            text = f"{opener} {body} {closer}".strip()
        else:  # facebook
            lead = r.choice(["Lumio Home ", "", "", "Hey Lumio, "])
            text = f"{lead}{body} {' '.join(r.choices(emo, k=r.choice([0, 1, 2])))}".strip()
        return re.sub(r" +", " ", text).strip()

    # ---------------------------------------------------------------------------------------- support
    def write_conv(self, c: Cust, it: Item, n_conv: int) -> dict:
        r = self.r
        ctx = self.ctx(c, it)
        agent = r.choice(AGENTS)
        channel = r.choices(["chat", "email", "phone"], weights=[55, 28, 17])[0]
        theme = it.pains[0] if it.pains else None
        t = it.when
        turns: list[dict] = []

        def add(speaker, text, dt_s=(20, 240), prio=0):
            # prio > 0: optional turn, dropped (highest first) when the conversation exceeds 8 turns
            nonlocal t
            if turns:
                t = t + timedelta(seconds=r.randint(*dt_s))
            turns.append({"speaker": speaker, "text": text, "ts": t.isoformat(timespec="seconds"), "_p": prio})

        def cust(text, prio=0):
            add("customer", text, gap, prio)

        gap = {"chat": (20, 180), "email": (3600, 86400), "phone": (10, 90)}[channel]
        agap = {"chat": (30, 240), "email": (3600, 60000), "phone": (10, 60)}[channel]
        # opening message
        if theme:
            k = r.choice([1, 2])
            comp = self.complaint(theme, ctx, k)
            opener = " ".join(typo(r, s) if r.random() < 0.2 else s for s in comp)
            if it.repeat_of and it.repeat_of > 1:
                rctx = dict(ctx, issue=THEME_ISSUE[theme])
                opener = self.held(fill(r, r.choice(REPEAT_REF), rctx), "repeat_ref", rctx) + " " + opener
            if it.churn and it.churn_repeat:
                opener = self.churn_s(ctx, it.churn_repeat) + " " + opener
        else:
            opener = fill(r, HOWTO[it.howto]["q"] if it.howto != "feature" else "I have a question about the {dev_short}.", ctx)
        greet_c = r.choice(["Hi, ", "Hello, ", "Hey, ", "", "Hi there. ", "Good morning, "])
        if channel == "email":
            greet_e = r.choice(["Hello,", "Hi,", "Dear Lumio team,", "Hi there,", "Good morning,", "Hello Lumio support,"])
            opener = f"{greet_e}\n\n{opener}\n\n{fill(r, r.choice(EMAIL_DETAIL[EMAIL_KIND.get(theme, 'any')]), ctx)}\n\n" \
                     f"{r.choice(['Best regards', 'Thanks', 'Cheers', 'Regards', 'Kind regards'])},\n{c.first}"
        elif channel == "phone":
            opener = r.choice(["Hi, yeah, ", "Hello, um, ", "Yes hi, ", "Hi. So, "]) + lower_first(opener)
        else:
            opener = greet_c + (lower_first(opener) if greet_c else opener)
        if channel == "chat":
            if r.random() < 0.5:
                add("system", r.choice(["Chat started via lumiohome.example/help", "Conversation started (web widget)",
                                        "Chat started in the Lumio app"]), (0, 1), prio=9)
            add("bot", r.choice(BOT_HELLO), (1, 3))
            cust(opener)
            if theme and r.random() < 0.6:
                add("bot", BOT_ARTICLE.format(topic=THEME_ISSUE[theme], slug=theme.replace("_", "-")), (2, 5), prio=7)
                cust(r.choice(["no", "No, I need a person", "Already tried that.", "agent please", "human please",
                               "That didn't help."]), prio=7)
            add("bot", r.choice(["Connecting you to an agent. Current wait time: about {} minutes.".format(r.randint(1, 9)),
                                 "One moment, I'm handing you over to a colleague."]), (2, 5), prio=5)
            add("system", f"{agent} joined the conversation", (30, 400), prio=6)
            add("agent", fill(r, r.choice(AGENT_HELLO), {"agent": agent, "name": c.first}), (5, 40), prio=4)
        elif channel == "phone":
            add("agent", f"Thank you for calling Lumio Home support, my name is {agent}. How can I help you today?", (0, 1))
            cust(opener)
        else:
            cust(opener)
        # middle: agent diagnoses / answers
        if theme:
            if channel != "email" or r.random() < 0.5:
                add("agent", r.choice(AGENT_ASK[theme]), agap)
                cust(fill(r, r.choice(CUST_DETAIL[theme]), ctx) if not it.request else
                     fill(r, r.choice(CUST_DETAIL[theme]), ctx) + " " + self.request_s(ctx, it))
            elif it.request:
                cust(self.request_s(ctx, it))
            if it.repeat_of and it.repeat_of > 1:
                add("agent", fill(r, r.choice(AGENT_SEE_PREV), {"case_no": G["case_no"]}), agap, prio=3)
            if it.resolved:
                add("agent", fill(r, r.choice(AGENT_FIX[theme]), ctx), agap)
                close = r.choice(CUST_THANKS)
                it.close = "unknown" if close in TENTATIVE_TUNE else "resolved"
                close = self.held(close, "tentative" if it.close == "unknown" else "resolved", {})
                if r.random() < 0.3:
                    close += " " + fill(r, r.choice(["You've been {agent_adj}, thanks {agent}.",
                                                     "Really {agent_adj}, thank you."]), {"agent": agent})
                cust(close)
            else:
                add("agent", fill(r, r.choice(AGENT_ESCALATE[theme]), ctx), agap)
                close = self.held(r.choice(CUST_UNRESOLVED), "open", {})
                it.close = "open"
                if it.churn and not it.churn_repeat:
                    close = self.churn_s(ctx) + " " + close
                cust(close)
                if r.random() < 0.5:
                    add("agent", r.choice(AGENT_SORRY), agap, prio=8)
        else:
            if it.howto == "feature":
                cust(self.request_s(ctx, it))
                add("agent", r.choice(AGENT_FEATURE), agap)
                cust(r.choice(["Ok, thanks!", "Great, thank you.", "Cool, thanks for passing it on."]))
            else:
                add("agent", HOWTO[it.howto]["a"], agap)
                cust(r.choice(["Perfect, that worked. Thanks!", "Great, found it. Thank you!",
                               "Brilliant, thanks for the quick help!", "Thanks, that was easy."]))
        if channel == "chat" and r.random() < 0.5:
            add("system", r.choice(["Chat ended by customer", "Conversation closed", "Customer left the chat",
                                    "Chat transcript emailed to customer"]), (5, 60), prio=9)
        if channel == "email":
            for tr in turns:
                if tr["speaker"] == "agent":
                    tr["text"] = f"Hi {c.first},\n\n{tr['text']}\n\nKind regards,\n{agent}\nLumio Home Support"
        while len(turns) > 8:
            top = max(tr["_p"] for tr in turns)
            if top == 0:
                raise AssertionError("conversation too long")
            turns = [tr for tr in turns if tr["_p"] != top]
        for tr in turns:
            del tr["_p"]
        it.texts = [tr["text"] for tr in turns if tr["speaker"].lower() in ("customer", "user")]
        # speaker spelling variants (~5% of turns)
        for tr in turns:
            if r.random() < 0.05:
                tr["speaker"] = {"customer": r.choice(["Customer", "user", "CUSTOMER"]),
                                 "agent": r.choice(["AGENT", f"Agent ({agent})", "Agent"]),
                                 "bot": r.choice(["Bot", "BOT"]),
                                 "system": r.choice(["System", "SYSTEM"])}[tr["speaker"]]
        return {"conversation_id": it.source_id, "customer_id": c.cid, "channel": channel,
                "product": PRODUCTS[it.product], "started_at": it.when.isoformat(timespec="seconds"), "turns": turns}


THEME_ISSUE = {"battery_drain": "battery drain", "login_2fa": "login codes", "refund_missing": "refunds",
               "delivery_issue": "deliveries", "app_crash": "app crashes", "wifi_disconnect": "Wi-Fi connection",
               "double_charge": "billing", "cancel_hard": "subscriptions"}
REPEAT_REF = [
    "I already chatted with you about the {issue} last week and nothing changed.",
    "Following up on my previous ticket, the problem is still there.",
    "Writing again about the {issue} problem from my last chat.",
    "Same problem as before, the fix your colleague suggested did nothing.",
    "Still not solved since my last contact.",
    "I was told this would be sorted after my previous ticket. It isn't.",
]
EMAIL_DETAIL = {
    "order": ["Order number {order_no}, in case you need it.", "My order was {order_no}.", "Attached a photo."],
    "phone": ["I'm using the app on my {phone}.", "Phone is a {phone}, app fully updated.", "Attached a screenshot."],
    "device": ["The device is on firmware {fw_ver}.", "Attached a screenshot of the device page.",
               "The router is {router_dist}."],
    "plan": ["I have the {plan_disp} plan.", "My account email is the one I'm writing from.",
             "Attached a screenshot of my statement."],
    "any": ["My account email is the one I'm writing from.", "Thanks in advance."],
}
EMAIL_KIND = {"refund_missing": "order", "delivery_issue": "order", "app_crash": "phone", "login_2fa": "phone",
              "battery_drain": "device", "wifi_disconnect": "device", "double_charge": "plan", "cancel_hard": "plan"}
BOT_HELLO = ["Hi! I'm Lumi 🤖, Lumio's virtual assistant. Tell me what's going on and I'll find the right help.",
             "Hello! I'm the Lumio assistant. What can I help you with today?",
             "Hi there 👋 I'm Lumi. Please describe your issue in a few words."]
BOT_ARTICLE = ("It looks like this is about {topic}. This article might help: "
               "https://help.lumiohome.example/{slug}. Did this solve your problem?")
AGENT_HELLO = ["Hi {name}, this is {agent} from Lumio support. I've read your messages, let me take a look.",
               "Hello {name}! {agent} here. Sorry for the wait, I'm on it.",
               "Hi {name}, thanks for your patience. My name is {agent}, I'll help you with this."]
AGENT_ASK = {
    "battery_drain": ["Sorry to hear the battery is draining so fast. Which firmware version does the camera show under Settings > Device info?",
                      "Thanks for the details. How many motion events did the camera record in the last 24 hours?",
                      "Could you tell me the Wi-Fi signal strength the device shows? A weak signal can use more battery."],
    "login_2fa": ["I'm sorry you're locked out. Can you confirm the last three digits of the phone number on the account?",
                  "Thanks. Are you receiving any other SMS messages on that number at the moment?",
                  "Could you tell me which email address you use to log in?"],
    "refund_missing": ["I'm sorry for the delay. Could you give me the order number so I can check the return?",
                       "Let me look into it. When did you send the item back?"],
    "delivery_issue": ["I'm really sorry about that. Could you send a photo of the package and the device?",
                       "Sorry to hear that. Can you share the order number so I can check with the carrier?"],
    "app_crash": ["Sorry about the crashes. Which phone and app version are you using?",
                  "Thanks for reporting this. Does it crash on a specific screen or right at launch?"],
    "wifi_disconnect": ["Sorry about the disconnects. Is your router set to 2.4 GHz, 5 GHz or both on one network name?",
                        "How far is the device from the router, roughly, and are there walls in between?"],
    "double_charge": ["I'm sorry about that. Could you tell me the dates and amounts of both charges?",
                      "Let me check your billing history. Which payment method was charged?"],
    "cancel_hard": ["I can help with that. Could you confirm the email address on the account?",
                    "Sorry for the trouble. Did you try the cancellation under Account > Plan > Manage?"],
}
CUST_DETAIL = {
    "battery_drain": ["It says {fw_ver}.", "About {events_n} events, nothing crazy.", "Firmware {fw_ver}, motion sensitivity is on medium.",
                      "Signal is full, the router is close."],
    "login_2fa": ["Ends in {events_n}4.", "Yes, other texts arrive fine.", "The same one I'm writing from.", "My number hasn't changed."],
    "refund_missing": ["Order {order_no}.", "I sent it back on {date_txt}, tracking says it was delivered to you.",
                       "It's order {order_no}, returned on {date_txt}."],
    "delivery_issue": ["Order {order_no}. Sending the photo now.", "Sure, it's {order_no}.", "Photo attached, the lens is cracked."],
    "app_crash": ["{phone}, app version 5.0.{events_n}.", "Right at launch, on a {phone}.", "When I open live view. {phone}."],
    "wifi_disconnect": ["Both bands, same name.", "It's {router_dist}, one wall.", "It's on 2.4 GHz only already.",
                        "The router is {router_dist}, no walls."],
    "double_charge": ["Both on {date_txt}, €{plan_price} each.", "My {pay}, two charges on {date_txt}."],
    "cancel_hard": ["Same as this one.", "Yes, that page just loops back.", "There's no Manage button there."],
}
AGENT_FIX = {
    "battery_drain": ["Thanks. Version 4.1.0 has a known drain issue. I've pushed 4.1.2 to your device, it should install within the hour. Please charge it fully once afterwards.",
                      "Please turn off 'Rich notifications' and set the retrigger interval to 60 seconds, that usually brings the battery back to normal."],
    "login_2fa": ["I've changed your verification method to email and sent a new code. It should arrive in a minute.",
                  "There was a delay with our SMS provider in your region. I've resent the code just now, please try again."],
    "refund_missing": ["I found it: the refund was stuck in review. I've released it now, you'll see it within 3-5 business days.",
                       "The refund was issued today. Depending on your bank it takes 2-5 days to show."],
    "delivery_issue": ["I've sent a replacement with express shipping, you'll get the tracking link by email today.",
                       "I've arranged a free replacement and a return label for the damaged one."],
    "app_crash": ["Thanks. Version 5.0.3 fixes this crash. Please update from the app store and restart your phone.",
                  "Please clear the app data and log in again, the 5.0.3 update addresses exactly this."],
    "wifi_disconnect": ["Please set the device to a dedicated 2.4 GHz network and update to firmware 4.1.2, that fixes most drop-outs.",
                        "I've enabled the 'stable connection' mode on your device remotely, that should stop the drop-outs."],
    "double_charge": ["You're right, you were charged twice. I've refunded the duplicate charge, it will show in 3-5 days.",
                      "I can see the duplicate payment from our billing migration. It's refunded now, sorry about that."],
    "cancel_hard": ["I've cancelled the plan for you and refunded the last payment."],
}
AGENT_ESCALATE = {
    "battery_drain": ["I've logged this with our engineering team under case {case_no}. There isn't a fix I can apply from here yet, we'll email you once there is.",
                      "I've escalated it to our hardware team. They will get back to you within 3-5 working days."],
    "login_2fa": ["I've raised a ticket with our identity team ({case_no}). They'll contact you by email within 48 hours.",
                  "I can't change the verification settings from here, I've escalated it to the account team."],
    "refund_missing": ["I've escalated this to our finance team ({case_no}). They'll check with the warehouse and come back to you.",
                       "The warehouse hasn't confirmed the return yet. I've chased them, please allow another few days."],
    "delivery_issue": ["I've opened a claim with the carrier ({case_no}). They take up to 7 days to investigate, then we'll send a replacement.",
                       "I've reported it to the logistics team, they'll contact you about next steps."],
    "app_crash": ["Thanks, I've passed the logs to our app team under {case_no}. A fix is being worked on.",
                  "Our developers are aware of the issue. I've added your case to the bug report."],
    "wifi_disconnect": ["I've escalated it to our technical team with your device logs ({case_no}).",
                        "I'll need our level 2 team to look at the device logs, they'll email you in 1-2 days."],
    "double_charge": ["I've forwarded this to billing ({case_no}). They process corrections within 5-7 business days.",
                      "I can see both charges. Billing needs to approve the refund, I've escalated it."],
    "cancel_hard": ["I've passed your request to the subscriptions team ({case_no}), they'll confirm by email.",
                    "I can't process it from here, I've escalated it to our billing colleagues."],
}
AGENT_SEE_PREV = ["I can see your previous case {case_no}. I'm sorry this still isn't solved.",
                  "Thanks, I've found the earlier conversation. Let me check what happened with it.",
                  "I can see the previous ticket, apologies that you have to follow up."]
AGENT_SORRY = ["I understand your frustration and I'm sorry. Is there anything else I can do right now?",
               "Sorry again for the trouble. You'll get an email as soon as we have an update.",
               "Thanks for your patience, I know this isn't the answer you wanted."]
AGENT_FEATURE = ["Thanks for the suggestion! I've passed it on to our product team.",
                 "Great idea, I've added it to our feature board. I can't promise a date, but the team reads every one.",
                 "Thanks, I've logged that as a feature suggestion for the product team."]
CUST_THANKS = ["That worked, thanks!", "Great, thank you so much.", "Ok, perfect. Thanks for the help.",
               "Brilliant, thanks.", "Thanks, that sorted it.", "Ok thanks, I'll try that."]
CUST_UNRESOLVED = ["Ok. I'll wait, but I'm not happy.", "So basically nothing. Fine.", "That doesn't really help, but ok.",
                   "Alright, please keep me posted.", "This is really frustrating.", "Fine. Please actually fix it.",
                   "I've been waiting long enough already."]
HOWTO = {
    "share": {"q": "How do I give my partner access to the {dev_short}?",
              "a": "You can invite them under Settings > Household > Invite member. They'll get an email to join."},
    "zones": {"q": "How do I set up motion zones on the {dev_short}?",
              "a": "Open the device, tap the gear icon, then Motion > Activity zones. Drag the corners to draw the zone."},
    "clip": {"q": "How can I download a clip to my phone?",
             "a": "Open the clip in the event history and tap the share icon, then 'Save video'."},
    "upgrade": {"q": "How do I upgrade to the Premium plan?",
                "a": "Go to Account > Plan and choose Premium. The difference is charged pro rata."},
    "night": {"q": "Where do I turn on colour night vision?",
              "a": "Device settings > Video > Night vision, then select 'Colour'. It uses the spotlight."},
    "wifi_change": {"q": "I got a new router, how do I connect the {dev_short} to the new network?",
                    "a": "Open the device settings and tap 'Wi-Fi network', then follow the steps. It takes about two minutes."},
}


# --------------------------------------------------------------------------------------------------
# Turkish, Finnish and German customers. They are added after the English corpus is rendered and draw
# from their own RNG (Gen.lr), so every English customer, record and id is the same with or without them.
# Their stories are the English ones (ordinary complainers, clean customers and planted customers); the
# planted signals are those insight's detectors are meant to read in these languages (rating/text
# mismatch through the complaint cues, cross-channel gaps, repeat contacts, churn talk), never a request.
# --------------------------------------------------------------------------------------------------
FOREIGN_SIGNALS = ["rating_text_mismatch", "cross_channel_gap", "repeat_contact", "churn"]


def add_languages(g: Gen, per_language: int):
    """``per_language`` customers each for Turkish, Finnish and German (CU-10401 ... after 400 English)."""
    english_r, g.r = g.r, g.lr
    try:
        number = 10001 + len(g.custs)
        for lang in dl.LANGUAGES:
            region, country, firsts, lasts = dl.PEOPLE[lang]
            custs = []
            for _ in range(per_language):
                c = g.new_customer(number, region, country, firsts, lasts)
                c.lang = lang
                custs.append(c)
                number += 1
            order = list(custs)
            g.r.shuffle(order)
            n_silent, n_clean, n_planted = round(0.05 * per_language), round(0.3 * per_language), round(0.3 * per_language)
            for j, c in enumerate(order):
                c.kind = ("silent" if j < n_silent else "clean" if j < n_silent + n_clean else
                          "planted" if j < n_silent + n_clean + n_planted else "ordinary")
            planted = [c for c in order if c.kind == "planted"]
            for j, c in enumerate(planted):
                c.signals.add(FOREIGN_SIGNALS[(j + dl.LANGUAGES.index(lang)) % len(FOREIGN_SIGNALS)])
                if g.r.random() < 0.3:
                    c.signals.add(g.r.choice(FOREIGN_SIGNALS))
            for c in custs:
                if c.kind == "clean":
                    g.story_clean(c)
                elif c.kind == "ordinary":
                    g.story_ordinary(c)
                elif c.kind == "planted":
                    g.story_planted(c)
            g.foreign += custs
    finally:
        g.r = english_r


class LangWriter:
    """Writes a Turkish, Finnish or German customer's reviews, posts and support conversations from the
    language's grammar (demo_languages.py), with the English writer's structure."""

    def __init__(self, g: Gen, lang: str):
        self.g, self.lang, self.L = g, lang, dl.GRAMMARS[lang]

    @property
    def r(self) -> random.Random:
        return self.g.lr

    def expand(self, tpl: str, ctx: dict) -> str:
        slots = self.L["slots"]

        def rep(m):
            k = m.group(1)
            cap = k not in ctx and k not in slots and k[:1].isupper()
            key = k[:1].lower() + k[1:] if cap else k
            v = ctx[key] if key in ctx else slots[key] if key in slots else G[key]
            if isinstance(v, list):
                v = self.r.choice(v)
            elif callable(v):
                v = v(self.r)
            v = self.expand(v, ctx) if "{" in v else v
            return dl.upper_start(self.lang, v) if cap else v

        return _SLOT.sub(rep, tpl)

    def fill(self, tpl: str, ctx: dict) -> str:
        return dl.upper_start(self.lang, self.expand(tpl, ctx))

    def ctx(self, c: Cust, it: Item) -> dict:
        devs = self.L["devices"]
        p = it.product if it.product in devs else self.r.choice([x for x in c.owned if x in devs] or ["cam_indoor"])
        d = it.when
        past = [d - timedelta(days=k) for k in range(10, 46)]
        fw_pre, fw_post = self.L["fw"]
        app_pre, app_post = self.L["app_upd"]
        return {**devs[p],
                "fw": fw_pre + fw_post if d >= datetime(2025, 10, 1, tzinfo=timezone.utc) else fw_pre,
                "app_upd": app_pre + app_post if d >= datetime(2025, 9, 1, tzinfo=timezone.utc) else app_pre,
                "date_txt": [dl.date_text(self.lang, x.day, x.month) for x in past],
                # a decimal comma in all three languages ("9,99 €")
                "plan_name": self.L["plan_name"], "plan_price": PLAN_PRICE[c.plan].replace(".", ","),
                "plan_disp": PLAN_DISP[c.plan],
                "competitor": COMPETITORS, "agent_name": AGENTS}

    def sentences(self, bank: str, theme: str, ctx: dict, k: int) -> list[str]:
        out: list[str] = []
        used: set[str] = set()
        for _ in range(30):
            if len(out) >= k:
                break
            tpl = self.r.choice(self.L[bank][theme])
            s = self.fill(tpl, ctx)
            if tpl not in used and not any(s[:14] == o[:14] for o in out):
                out.append(s)
                used.add(tpl)
        return out

    def mixed(self, praise: str, complaint: str) -> str:
        j = self.r.choice(self.L["joiners"])
        keep = self.lang == "de" and j.endswith(": ")   # a German colon keeps the sentence's capital
        return clause(praise) + j + (complaint if keep else dl.lower_start(self.lang, complaint, _KEEP_CASE))

    def churn(self, ctx: dict, repeat_n: int = 0) -> str:
        if repeat_n:
            return self.fill(self.r.choice(self.L["churn_repeat"]), dict(ctx, ordinal=self.L["ordinal"][repeat_n]))
        return self.fill(self.r.choice(self.L["churn"]), ctx)

    def review(self, c: Cust, it: Item) -> tuple[str, str]:
        r, L = self.r, self.L
        ctx = self.ctx(c, it)
        parts: list[str] = []
        long_ = r.random() < 0.25
        short = not long_ and r.random() < 0.2 and not it.mismatch
        if not short and r.random() < 0.3:
            parts.append(self.fill(r.choice(L["context"]), ctx))
        praise = [s for t in it.praise for s in self.sentences("praises", t, ctx, 2 if long_ else 1)]
        comp = [s for t in it.pains for s in self.sentences("complaints", t, ctx, 3 if long_ else r.choice([1, 2]))]
        if short:
            praise, comp = praise[:1], comp[:1]
        if it.mismatch == "neg_in_high":
            first = praise[0] if praise else self.sentences("praises", "design", ctx, 1)[0]
            parts.append(self.mixed(first, comp[0]))
            parts += comp[1:2] + praise[1:]
            if r.random() < 0.4:
                parts.append(r.choice(L["still_ok"]))
            title = r.choice(L["pos_titles"] + L["mix_titles"][:2])
        elif it.rating >= 4 or it.mismatch == "praise_in_low":
            if it.mismatch == "praise_in_low":   # "full of praise": at least three positive sentences
                extra = [t for t in PRAISE_THEMES if t not in it.praise and t != "helpful_agent"]
                while len(praise) < 2 and extra:
                    praise += self.sentences("praises", extra.pop(r.randrange(len(extra))), ctx, 1)
                praise.append(r.choice(L["generic_praise"]))
            parts += praise
            if not short and r.random() < (0.6 if long_ else 0.3):
                parts += r.sample(L["generic_praise"], 2 if long_ else 1)
            if not short and r.random() < 0.5:
                parts.append(r.choice(L["pos_close"]))
            title = r.choice(L["pos_titles"])
        elif it.rating == 3 and praise:
            parts.append(self.mixed(praise[0], comp[0]))
            parts += comp[1:2] + praise[1:2]
            title = r.choice(L["mix_titles"])
        else:
            if not parts and not short and r.random() < 0.25:
                parts.append(r.choice(L["neg_open"]))
            parts += comp
            if not short and r.random() < 0.5:
                parts.append(r.choice(L["neg_close"]))
            title = r.choice(L["neg_titles"])
        if it.churn:
            parts.append(self.churn(ctx))
        parts = list(dict.fromkeys(parts))
        text = " ".join(parts)
        if len(parts) >= 4 and r.random() < 0.25:
            cut = r.randrange(2, len(parts))
            text = " ".join(parts[:cut]) + "\n\n" + " ".join(parts[cut:])
        return ("" if r.random() < 0.05 else title), text

    def post(self, c: Cust, it: Item) -> str:
        r, L = self.r, self.L
        ctx = self.ctx(c, it)
        plat = it.platform
        neg = bool(it.pains)
        parts = [s for t in it.pains for s in self.sentences("complaints", t, ctx, 1 if plat == "twitter" else r.choice([1, 2]))]
        parts += [s for t in it.praise for s in self.sentences("praises", t, ctx, 1)]
        if it.churn:
            parts.append(self.churn(ctx))
        if not parts:
            parts = self.sentences("praises", "design", ctx, 1)
        body = " ".join(parts)
        emo = ["😡", "🙄", "😤", "💸", "🔋", "😩", "👎"] if neg else ["😍", "🔥", "👍", "🙌", "✨", "🏡"]
        tags = L["tags_neg"] if neg else L["tags_pos"]
        if plat == "twitter":
            lead = BRAND_HANDLE + " " if r.random() < 0.6 else ""
            text = f"{lead}{body} {' '.join(r.choices(emo, k=r.choice([0, 1, 2])))} {' '.join(r.sample(tags, k=r.choice([0, 1, 2])))}"
        elif plat == "instagram":
            text = f"{body} {' '.join(r.choices(emo, k=r.choice([1, 2])))}\n\n{' '.join(r.sample(tags, k=3))}"
        elif plat == "reddit":
            close = r.choice(L["reddit_close_neg"] if neg else L["reddit_close_pos"])
            text = f"{r.choice(L['reddit_open'])} {body} {close}"
        else:
            text = f"{body} {' '.join(r.choices(emo, k=r.choice([0, 1])))}"
        return re.sub(r" +", " ", text).strip()

    def conv(self, c: Cust, it: Item) -> dict:
        r, L = self.r, self.L
        ctx = self.ctx(c, it)
        agent = r.choice(AGENTS)
        channel = r.choices(["chat", "email", "phone"], weights=[55, 28, 17])[0]
        theme = it.pains[0] if it.pains else None
        t = it.when
        turns: list[dict] = []

        def add(speaker, text, dt_s=(20, 240)):
            nonlocal t
            if turns:
                t = t + timedelta(seconds=r.randint(*dt_s))
            turns.append({"speaker": speaker, "text": text, "ts": t.isoformat(timespec="seconds")})

        gap = {"chat": (20, 180), "email": (3600, 86400), "phone": (10, 90)}[channel]
        agap = {"chat": (30, 240), "email": (3600, 60000), "phone": (10, 60)}[channel]
        if theme:
            opener = " ".join(self.sentences("complaints", theme, ctx, r.choice([1, 2])))
            if it.repeat_of and it.repeat_of > 1:
                opener = self.fill(r.choice(L["repeat_ref"]), dict(ctx, issue=L["issue"][theme])) + " " + opener
            if it.churn and it.churn_repeat:
                opener = self.churn(ctx, it.churn_repeat) + " " + opener
            howto = None
        else:
            howto = r.choice(L["howto"])
            opener = howto[0]
        if channel == "email":
            opener = f"{r.choice(L['email_open'])}\n\n{opener}\n\n{r.choice(L['email_close'])}\n{c.first}"
        else:
            greet = r.choice(L["greet"] if channel == "chat" else L["phone_greet"])
            if greet and not greet.endswith(("! ", ". ")):
                opener = dl.lower_start(self.lang, opener, _KEEP_CASE)
            opener = greet + opener
        if channel == "chat":
            if r.random() < 0.5:
                add("system", r.choice(["Chat started via lumiohome.example/help", "Chat started in the Lumio app"]), (0, 1))
            add("bot", r.choice(L["bot_hello"]), (1, 3))
            add("customer", opener, gap)
            add("bot", r.choice(L["bot_handover"]).format(mins=r.randint(1, 9)), (2, 5))
            add("system", f"{agent} joined the conversation", (30, 400))
            add("agent", r.choice(L["agent_hello"]).format(name=c.first, agent=agent), (5, 40))
        elif channel == "phone":
            add("agent", L["phone_agent"].format(agent=agent), (0, 1))
            add("customer", opener, gap)
        else:
            add("customer", opener, gap)
        if theme:
            if channel != "email" or r.random() < 0.5:
                if theme in ("refund_missing", "delivery_issue") and r.random() < 0.6:
                    ask, answer = r.choice(L["agent_ask_order"]), r.choice(L["order_detail"])
                else:
                    ask, kind = r.choice(L["agent_ask"])
                    answer = r.choice(L["since"]) if kind == "since" else None
                add("agent", ask, agap)
                more = [s for s in self.sentences("complaints", theme, ctx, 3) if s not in opener]
                add("customer", self.fill(answer, ctx) if answer or not more else more[0], gap)
            if it.resolved:
                add("agent", r.choice(L["agent_fix"]), agap)
                it.close = "resolved"
                add("customer", r.choice(L["thanks"]), gap)
            else:
                add("agent", self.fill(r.choice(L["agent_escalate"]), {"case_no": G["case_no"]}), agap)
                it.close = "open"
                close = r.choice(L["unresolved"])
                if it.churn and not it.churn_repeat:
                    close = self.churn(ctx) + " " + close
                add("customer", close, gap)
                if r.random() < 0.5:
                    add("agent", r.choice(L["agent_sorry"]), agap)
        else:
            add("agent", howto[1], agap)
            add("customer", r.choice(L["howto_thanks"]), gap)
        if channel == "email":
            for tr in turns:
                if tr["speaker"] == "agent":
                    tr["text"] = L["agent_email"].format(first=c.first, text=tr["text"], agent=agent)
        it.texts = [tr["text"] for tr in turns if tr["speaker"] == "customer"]
        return {"conversation_id": it.source_id, "customer_id": c.cid, "channel": channel,
                "product": PRODUCTS[it.product], "started_at": it.when.isoformat(timespec="seconds"), "turns": turns}


PLATFORM_PREFIX = {"twitter": "tw", "instagram": "ig", "reddit": "rd", "facebook": "fb"}


def review_row(g: Gen, c: Cust, it: Item, title: str, body: str) -> dict:
    """A review record (its id already set), the item's texts kept for the self-check."""
    it.texts = [title, body]
    return {"review_id": it.source_id, "customer_id": c.cid, "product": PRODUCTS[it.product], "rating": it.rating,
            "title": title, "body": body, "created_at": g.local_iso(it.when, c.region)}


def post_id_and_likes(r: random.Random, it: Item, text: str) -> int:
    """Set a post's id and texts; return its base like count (random draws in the generator's order)."""
    it.texts = [text]
    it.source_id = f"{PLATFORM_PREFIX[it.platform]}_{r.randint(10**9, 10**10 - 1)}"
    return int(math.exp(r.gauss(1.6 if it.pains else 1.8, 1.2)))


def post_row(r: random.Random, it: Item, text: str, n_likes: int) -> dict:
    return {"post_id": it.source_id, "handle": it.handle, "platform": it.platform, "text": text,
            "created_at": it.when.isoformat(timespec="seconds"), "likes": n_likes,
            "shares": int(n_likes * r.uniform(0, 0.3)), "replies": int(n_likes * r.uniform(0.02, 0.25))}


def render_languages(g: Gen):
    """The foreign customers' reviews, conversations and posts, with ids of their own ranges (R3xxxxx,
    CONV-<year>9xxxx) so that no English id moves."""
    r = g.lr
    reviews, convs, posts = [], [], []
    writers = {lang: LangWriter(g, lang) for lang in dl.LANGUAGES}
    items = sorted(((it, c) for c in g.foreign for it in c.items), key=lambda x: x[0].when)
    nr = nc = 0
    for it, c in items:
        w = writers[c.lang]
        if it.kind == "review":
            nr += 1
            it.source_id = f"R{300000 + nr * 7 + r.randint(0, 6)}"
            reviews.append(review_row(g, c, it, *w.review(c, it)))
        elif it.kind == "conv":
            nc += 1
            it.source_id = f"CONV-{it.when.year}{90000 + nc:05d}"
            convs.append(w.conv(c, it))
        else:
            text = w.post(c, it)
            n_likes = post_id_and_likes(r, it, text)
            posts.append(post_row(r, it, text, n_likes))
    return reviews, convs, posts


def merged(english: list[dict], foreign: list[dict], key: str) -> list[dict]:
    """The English rows in their order with the foreign ones placed by time (a stable sort)."""
    return sorted(english + foreign, key=lambda row: datetime.fromisoformat(row[key]))


def build(seed: int, n: int, phrasings: str = "tune2"):
    g = Gen(seed, n, phrasings)
    g.make_customers()
    g.assign_roles()
    for c in g.custs:
        if c.kind == "clean":
            g.story_clean(c)
        elif c.kind == "ordinary":
            g.story_ordinary(c)
        elif c.kind == "planted":
            g.story_planted(c)
    return g


def render(g: Gen, n_unlinked_share: float = 0.25):
    r = g.r
    reviews, convs, posts = [], [], []
    all_items = sorted(((it, c) for c in g.custs for it in c.items), key=lambda x: x[0].when)
    # unlinked public posters
    n_linked = len({h.lower() for c in g.custs for h, _ in c.handles})
    n_unlinked = round(n_linked * n_unlinked_share / (1 - n_unlinked_share))
    unlinked = []
    for _ in range(n_unlinked):
        h = g.new_handle(None)
        plat = r.choices(["twitter", "instagram", "reddit", "facebook"], weights=[45, 20, 20, 15])[0]
        sig, pains = set(), set()
        for _ in range(r.choice([1, 1, 2, 2, 3, 3])):
            if r.random() < 0.6:
                theme = r.choices(list(THEME_SIZE) + ["cancel_hard"], weights=list(THEME_SIZE.values()) + [5])[0]
                pains.add(theme)
                it = Item("post", g.when(theme), product=r.choice(THEME_PRODUCTS[theme]), pains=[theme], platform=plat,
                          handle=h, churn=theme == "cancel_hard" or r.random() < 0.1, request=r.random() < 0.08)
            else:
                prod = r.choice(HARDWARE[:3])
                it = Item("post", g.when(None), product=prod, praise=g.praise_pick(prod), platform=plat, handle=h,
                          request=r.random() < 0.15)
            sig |= {"churn"} if it.churn else set()
            sig |= {"request"} if it.request else set()
            unlinked.append(it)
        g.__dict__.setdefault("unlinked_truth", {})[h] = {"platform": plat, "signals": sorted(sig),
                                                          "pain_points": sorted(pains)}
    all_items += [(it, None) for it in unlinked]
    all_items.sort(key=lambda x: x[0].when)
    nr = nc = 0
    conv_count: dict[str, int] = {}
    for it, c in all_items:
        if it.kind == "review":
            nr += 1
            it.source_id = f"R{100000 + nr * 7 + r.randint(0, 6)}"
            reviews.append(review_row(g, c, it, *g.write_review(c, it)))
        elif it.kind == "conv":
            nc += 1
            it.source_id = f"CONV-{it.when.year}{nc:05d}"
            conv_count[c.cid] = conv_count.get(c.cid, 0) + 1
            convs.append(g.write_conv(c, it, conv_count[c.cid]))
        else:
            ctx = g.ctx(c, it)
            text = g.write_post(c, it, ctx)
            n_likes = post_id_and_likes(r, it, text)
            if it.pains and r.random() < 0.04:
                n_likes *= r.randint(20, 80)   # the odd viral complaint
            posts.append(post_row(r, it, text, n_likes))
    return reviews, convs, posts


# --------------------------------------------------------------------------------------------------
# self-check: planted truth == what the records exhibit
# --------------------------------------------------------------------------------------------------
def exhibited(c: Cust) -> set[str]:
    out = set()
    revs = [i for i in c.items if i.kind == "review"]
    other = [i for i in c.items if i.kind != "review"]
    if any((i.rating >= 4 and i.pains) or (i.rating <= 2 and i.praise and not i.pains) for i in revs):
        out.add("rating_text_mismatch")
    review_themes = {t for i in revs for t in i.pains}
    if any(i.rating >= 4 for i in revs) and any(t not in review_themes for i in other for t in i.pains):
        out.add("cross_channel_gap")
    per_theme: dict[str, int] = {}
    for i in c.items:
        if i.kind == "conv" and i.pains:
            per_theme[i.pains[0]] = per_theme.get(i.pains[0], 0) + 1
    if any(v >= 2 for v in per_theme.values()):
        out.add("repeat_contact")
    # requests and churn talk are known from what was written; the guards check (in `check`) that no
    # other customer's text reads like one by accident
    if any(i.asks for i in c.items):
        out.add("request")
    if any(i.churn or i.churn_repeat for i in c.items):
        out.add("churn")
    return out


def support_cases(c: Cust) -> list[dict]:
    """Each support conversation about a pain with its status as the text shows it: the closing turn
    (resolved / unknown / open), overridden by 'open' when the same theme comes up again later (another
    conversation, a review or a post)."""
    out = []
    for i in c.items:
        if i.kind != "conv" or not i.pains:
            continue
        later = [j for j in c.items if j is not i and j.when > i.when and i.pains[0] in j.pains]
        status = "open" if later else i.close
        out.append({"conversation_id": i.source_id, "theme": i.pains[0], "status": status,
                    "close": i.close, "raised_again": bool(later)})
    return sorted(out, key=lambda x: x["conversation_id"])


def check(g: Gen):
    bad = []
    guards = {lang: (re.compile(gr["guard_request"], re.I), re.compile(gr["guard_churn"], re.I))
              for lang, gr in dl.GRAMMARS.items()}
    for c in g.custs + g.foreign:
        ex = exhibited(c)
        texts = [t for i in c.items for t in i.texts]
        req_guards, churn_guards = [REQ_GUARD], [CHURN_GUARD]
        if c.lang != "en":
            req_guards.append(guards[c.lang][0])
            churn_guards.append(guards[c.lang][1])
            if {"request"} & ex or any(i.motives for i in c.items):
                bad.append((c.cid, "request or motive planted in a language whose detectors read English only"))
        if "request" not in ex and any(gd.search(t) for gd in req_guards for t in texts):
            bad.append((c.cid, "request phrasing without a planted request"))
        if "churn" not in ex and any(gd.search(t) for gd in churn_guards for t in texts):
            bad.append((c.cid, "churn phrasing without planted churn talk"))
        if ex != c.signals:
            bad.append((c.cid, c.kind, sorted(c.signals), sorted(ex)))
        if c.kind == "clean" and any(i.pains for i in c.items):
            bad.append((c.cid, "clean with pains"))
        got_pains = {t for i in c.items for t in i.pains}
        if got_pains != c.pains:
            c.pains = got_pains  # pains are recorded from the items actually written
    ids = [i.source_id for c in g.custs + g.foreign for i in c.items]
    if len(ids) != len(set(ids)):
        bad.append(("record ids are not unique",))
    if bad:
        raise SystemExit(f"planted truth does not match the records for {len(bad)} customers, e.g. {bad[:5]}")


# --------------------------------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------------------------------
TOML = """# Run config for the bundled demo corpus: insight run corpora/demo/insight.toml
# Paths are relative to this file. Regenerate the data with:
#   python scripts/make_demo_corpus.py --out corpora/demo --seed 7 --customers 400 --per-language 16
db = "../../out/demo/insight.duckdb"
out_dir = "../../out/demo"

[[sources]]
kind = "reviews"
path = "reviews.csv"

[[sources]]
kind = "transcripts"
path = "transcripts.jsonl"

[[sources]]
kind = "social"
path = "social.jsonl"

[[sources]]
kind = "customers"
path = "customers.csv"

[[sources]]
kind = "identities"
path = "identities.csv"
"""

PERSONAS = {"personas": [
    {"name": "Careful Premium Homeowner",
     "description": "Family homeowner in continental Europe on the Premium plan. Owns two or three Lumio devices, "
                    "checks the app daily and expects the system to just work.",
     "quote": "I pay for Premium so I don't have to think about it.",
     "rules": ['plan == "premium" and region in ["DE", "NL", "FR"]', 'segment == "consumer"'],
     "goals": ["Know the house is safe while away", "Reliable alerts without false alarms"],
     "motivators": ["Image quality", "Privacy", "Set-and-forget reliability"],
     "frustrations": ["Battery drain on outdoor devices", "Devices going offline"]},
    {"name": "Small Business Owner",
     "description": "Runs a shop, studio or small office on the Business plan; several cameras, one admin login, "
                    "little time for troubleshooting.",
     "quote": "If the camera is offline at night, it's useless to me.",
     "rules": ['segment == "smb"'],
     "goals": ["Cover the premises after hours", "Share access with staff"],
     "motivators": ["Uptime", "Clear invoices", "Fast support"],
     "frustrations": ["Billing errors", "Wi-Fi drop-outs", "Login codes not arriving for shared accounts"]},
    {"name": "Stretched Repeat Contact",
     "description": "Customer who had to contact support more than once; patience is running out and the "
                    "next failure may end the subscription.",
     "quote": "I already explained all of this last week.",
     "rules": ["support_contacts >= 2"],
     "goals": ["Get the issue fixed once", "Not repeat the story to every agent"],
     "motivators": ["Ownership of the case", "Proactive updates"],
     "frustrations": ["Escalations without follow-up", "Refunds that take weeks"]},
    {"name": "Budget Starter",
     "description": "Younger first-time smart-home buyer on the Basic plan with a single indoor camera, "
                    "price-sensitive and app-first.",
     "quote": "Setup took five minutes, honestly impressed.",
     "rules": ['plan == "basic" and segment == "consumer"', 'age_band in ["18-24", "25-34"]'],
     "goals": ["Cheap peace of mind", "Everything from the phone"],
     "motivators": ["Easy setup", "Design", "Low monthly price"],
     "frustrations": ["App crashes", "Upsell to Premium"]},
]}


def write(g: Gen, out: Path, reviews, convs, posts, seed: int):
    out.mkdir(parents=True, exist_ok=True)
    r = g.r
    with open(out / "reviews.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["review_id", "customer_id", "product", "rating", "title", "body", "created_at"])
        w.writeheader()
        w.writerows(reviews)
    with open(out / "transcripts.jsonl", "w", encoding="utf-8") as f:
        for cv in convs:
            f.write(json.dumps(cv, ensure_ascii=False) + "\n")
    with open(out / "social.jsonl", "w", encoding="utf-8") as f:
        for p in posts:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    # CRM: signup before first contact, lifetime value by plan
    first_seen = {c.cid: min((i.when for i in c.items), default=None) for c in g.custs + g.foreign}
    with open(out / "customers.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["customer_id", "name", "email", "plan", "region", "country", "signup_date", "lifetime_value",
                    "segment", "age_band", "company_size"])
        for c in g.custs + g.foreign:
            r = g.r if c.lang == "en" else g.lr
            anchor = first_seen[c.cid] or datetime(2026, 3, 1, tzinfo=timezone.utc)
            signup = anchor - timedelta(days=r.randint(5, 900))
            years = max(0.1, (datetime(2026, 3, 31, tzinfo=timezone.utc) - signup).days / 365)
            monthly = {"basic": 3.99, "premium": 9.99, "business": 24.99}[c.plan] * (1 + len([x for x in c.owned if x != "hub"]) * 0.3)
            hw = sum({"cam_indoor": 59, "cam_outdoor": 129, "doorbell": 149, "hub": 79}[x] for x in c.owned)
            ltv = round(hw + monthly * 12 * years * r.uniform(0.8, 1.1), 2)
            w.writerow([c.cid, f"{c.first} {c.last}", c.email, c.plan, c.region, c.country, signup.date().isoformat(),
                        f"{ltv:.2f}", c.segment, c.age_band, c.company_size])
    with open(out / "identities.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["identifier", "kind", "platform", "customer_id"])
        for c in g.custs + g.foreign:
            r = g.r if c.lang == "en" else g.lr
            w.writerow([c.email, "email", "", c.cid])
            if r.random() < 0.18 and c.segment == "consumer":
                alt = f"{c.first.translate(ASCII).lower()}.{r.randint(100, 999)}@{r.choice(MAIL_DOMAINS)}"
                w.writerow([alt, "email", "", c.cid])
            for h, plat in c.handles:
                w.writerow([h, "handle", plat, c.cid])
    (out / "insight.toml").write_text(TOML, encoding="utf-8")
    with open(out / "personas.yaml", "w", encoding="utf-8") as f:
        f.write("# Personas a CX team keeps for the Lumio Home demo. rules: all must hold (fields from the CRM\n"
                "# export plus behaviour such as support_contacts).\n")
        yaml.safe_dump(PERSONAS, f, sort_keys=False, allow_unicode=True, width=110)
    # truth
    customers = {}
    everyone = g.custs + g.foreign
    for c in everyone:
        if c.kind in ("planted", "ordinary") and (c.signals or c.pains):
            ev = {k: [] for k in sorted(c.signals)}
            for i in c.items:
                if "rating_text_mismatch" in ev and i.kind == "review" and (
                        (i.rating >= 4 and i.pains) or (i.rating <= 2 and i.praise and not i.pains)):
                    ev["rating_text_mismatch"].append(i.source_id)
                if "cross_channel_gap" in ev and i.kind != "review" and i.pains:
                    rt = {t for j in c.items if j.kind == "review" for t in j.pains}
                    if i.pains[0] not in rt:
                        ev["cross_channel_gap"].append(i.source_id)
                if "repeat_contact" in ev and i.kind == "conv" and i.repeat_of:
                    ev["repeat_contact"].append(i.source_id)
                if "request" in ev and i.asks:
                    ev["request"].append(i.source_id)
                if "churn" in ev and (i.churn or i.churn_repeat):
                    ev["churn"].append(i.source_id)
            customers[c.cid] = {"signals": sorted(c.signals), "pain_points": sorted(c.pains),
                                "notes": "; ".join(c.notes) if c.notes else
                                ("consistent complaints (ratings match the text), no hidden signal"),
                                "evidence": ev}
    for c in everyone:
        if not c.items:
            continue
        extra = {
            "requests": [{"object": obj, "statement": text, "source_id": i.source_id}
                         for i in c.items for text, obj in i.asks],
            "motives": [{"kind": kind, "statement": text, "source_id": i.source_id}
                        for i in c.items for kind, text in i.motives]
                       # the delivery complaint "It was supposed to be a birthday present and ..." also says
                       # why it was bought, in both halves (it is complaint phrasing, not motive phrasing)
                       + [{"kind": "gift", "statement": m.group(0), "source_id": i.source_id}
                          for i in c.items for t in i.texts for m in GIFT_COMPLAINT.finditer(t)],
            "support_cases": support_cases(c),
            "praised": sorted({t for i in c.items for t in i.praise}),
        }
        if any(extra.values()):
            customers.setdefault(c.cid, {"signals": [], "pain_points": sorted(c.pains), "notes": "", "evidence": {}})
            customers[c.cid].update({k: v for k, v in extra.items() if v})
    clean = sorted(c.cid for c in everyone if c.kind == "clean" and c.items)
    counts = {k: sum(k in v["signals"] for v in customers.values()) for k in
              ["rating_text_mismatch", "cross_channel_gap", "repeat_contact", "request", "churn"]}
    truth = {
        "about": "Planted truth for corpora/demo (Lumio Home). 'customers' lists every CRM customer with a complaint, "
                 "a planted signal, a request, a purchase motive, a support case or praise; signals == [] means the customer complains openly and consistently. Signals "
                 "are exhaustive: a customer not listed with a signal does not exhibit it. 'clean_customers' have "
                 "only consistent positive reviews/interactions. Generated by scripts/make_demo_corpus.py "
                 f"--seed {seed} --customers {g.n}"
                 + (f" --per-language {len(g.foreign) // len(dl.LANGUAGES)}" if g.foreign else "") + ".",
        "seed": seed,
        "phrasings": g.phrasings,
        "signal_counts": counts,
        "field_counts": {
            "requests": sum(len(v.get("requests", [])) for v in customers.values()),
            "motives": sum(len(v.get("motives", [])) for v in customers.values()),
            "support_cases": sum(len(v.get("support_cases", [])) for v in customers.values()),
        },
        "customers": customers,
        "clean_customers": clean,
        "silent_customers": sorted(c.cid for c in everyone if not c.items),
        # the language each CRM customer writes in (en, or tr, fi, de: scripts/demo_languages.py)
        "languages": {c.cid: c.lang for c in everyone},
        "language_counts": {lang: sum(c.lang == lang for c in everyone) for lang in ("en",) + dl.LANGUAGES},
        "themes": {**PAIN_THEMES, **PRAISE_THEMES},
        "theme_kinds": {**{k: "pain" for k in PAIN_THEMES}, **{k: "praise" for k in PRAISE_THEMES}},
        "theme_trends": TREND_NOTES,
        "unlinked_handles": g.__dict__.get("unlinked_truth", {}),
    }
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return truth


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="corpora/demo")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--customers", type=int, default=400)
    ap.add_argument("--phrasings", choices=list(PHRASINGS), default="tune2",
                    help="which bank of the request, churn, motive and resolution phrasings to write: 'tune' and "
                         "'tune2' (the bundled demo) are the tune half, for developing detectors; 'held' is the "
                         "held-out half, for evaluation only")
    ap.add_argument("--per-language", type=int, default=0,
                    help="customers who write in Turkish, Finnish and German, each (0: an English-only corpus)")
    a = ap.parse_args(argv)
    if a.customers < 100:
        ap.error("--customers must be at least 100 (planted signals need >= 15 customers each)")
    g = build(a.seed, a.customers, a.phrasings)
    reviews, convs, posts = render(g)
    if a.per_language:
        add_languages(g, a.per_language)
        more = render_languages(g)
        reviews, convs, posts = (merged(reviews, more[0], "created_at"), merged(convs, more[1], "started_at"),
                                 merged(posts, more[2], "created_at"))
    check(g)
    truth = write(g, Path(a.out), reviews, convs, posts, a.seed)
    active = len({c.cid for c in g.custs + g.foreign if c.items})
    print(f"customers={a.customers + len(g.foreign)} active={active} reviews={len(reviews)} conversations={len(convs)} "
          f"turns={sum(len(c['turns']) for c in convs)} social={len(posts)} "
          f"records={len(reviews) + len(convs) + len(posts)}")
    print("fields:", truth["field_counts"], "phrasings:", truth["phrasings"])
    print("signals:", truth["signal_counts"], "clean:", len(truth["clean_customers"]),
          "with pains:", sum(bool(v["pain_points"]) for v in truth["customers"].values()))


if __name__ == "__main__":
    main()
