"""Dialogue acts in one turn of text, by any actor: attempts and results, failures and refusals with reasons,
escalations and transfers, verification outcomes, promises, resolutions, and what a customer says about
the contact itself (been in touch before, tried N times, the suggestion did not help).

Rules over verb classes and sentence structure, not phrases: a failure is a subject with a failure verb
("X failed", "X was declined", "we couldn't X"); a promise is a future commitment by the business ("we'll
X", "you will receive X", "expect X") with an optional due time; a reason follows a causal connective.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_NEG = r"(?:can't|cannot|can not|couldn't|could not|unable to|wasn't able to|was not able to|weren't able to|not able to|won't|will not|didn't|did not|doesn't|does not|isn't|is not|wasn't|was not|haven't|have not|hasn't|has not)"  # noqa: E501
_FAIL = re.compile(
    r"\b(?:fail(?:ed|s|ing|ure)?|unsuccessful|declined|rejected|refused|bounced|timed out|time[sd]? out|expired"
    r"|invalid|incorrect|wrong|mismatch(?:ed)?|did(?:n't| not) match|does(?:n't| not) match|not recogni[sz]ed|error"
    r"|crash(?:ed|es|ing)?|stuck|not working"
    r"|(?:does|did|do|would|will)(?:n't| not) (?:work|go through|load|let me|accept)"
    r"|won't (?:work|go through|load|let me|accept)|keeps? (?:failing|crashing|saying|giving)|bounced back)\b",
    re.I,
)
_CANT = re.compile(
    rf"\b{_NEG}\s+(?P<passive>be\s+)?(?P<verb>[a-z]+(?:ed)?)(?P<obj>(?:\s+(?!because|as|due|since|until|but|so)[\w'-]+){{0,4}})",
    re.I,
)
_DONE = (
    r"approved|completed?|processed|sent|issued|reset|updated|raised|refunded|cancell?ed|canceled|frozen|blocked|"
    r"unblocked|locked|unlocked|dispatched|credited|reversed|activated|retained|kept|swallowed|closed|replaced|"
    r"reissued|changed|accepted|verified|confirmed|received|delivered|returned|logged|arranged|booked|scheduled|"
    r"added|removed|paused|stopped|restored|fixed|resolved|done|made|transferred|paid|reserved|started|submitted|"
    r"successful|through|set up|applied|opened|placed|registered|renewed|sorted"
)
_SUCCESS = re.compile(
    rf"\b(?:(?:has|have) been|was|were|is|are|got)\s+(?:now\s+)?(?:successfully\s+|all\s+)?(?P<done>{_DONE})\b"
    rf"|\bsuccessfully\s+(?P<done2>[a-z]+ed)\b|\b(?P<done3>succeeded|went through|worked|(?:was|is) a success)\b"
    rf"|\b(?:i|we)(?:'ve| have)\s+(?:now\s+|just\s+|successfully\s+|got\s+)?(?P<done4>{_DONE})\b(?P<object>[^.;!?,]*)"
    rf"|^\W*(?P<noun>[a-z]+(?: [a-z]+)?)\s+(?P<done5>{_DONE})(?:\s+successfully)?\W*$",
    re.I,
)
_REASON = re.compile(
    r"(?:\bbecause(?: of)?\b|\bdue to\b|\bsince\b|\bas\b(?! soon| well| a result| per)|\bafter\b|\bbeyond\b|\boutside\b"
    r"|\bpast\b|\bwithout\b|\breason:?|\s[-(]|:|,(?=\s*(?:the|your|its?|there|this|that)\b))"
    r"\s*(?P<reason>(?:[^.;!?)]|\.\d){3,120})",
    re.I,
)
_VERIFY = re.compile(
    r"\b(?:verif\w*|identity|ID check|ID document|security (?:check|questions?|details)|authenticat\w*|selfie"
    r"|proof of (?:address|identity|id)|passport|driving licen[cs]e|(?:your|my) ID|KYC|one-time (?:code|passcode)"
    r"|OTP|security code|date of birth|memorable (?:word|information)|documents?|payslips?|bank statements?)\b",
    re.I,
)
_VERIFY_OK = re.compile(r"\b(?:passed|verified|successful(?:ly)?|confirmed|approved|complete[d]?|accepted)\b", re.I)
_REFUSE = re.compile(
    rf"\b(?:(?:we|i|the bank|they)(?:'re|'m| are| am)?\s+(?:{_NEG}|not allowed to|unable to|no longer)\s+"
    r"(?:offer|accept|take|refund|process|approve|allow|give|issue|reverse|cancel|change|waive|extend|exchange|return|replace|do|honou?r|"
    r"cover|pay|reimburse|reopen|increase|lower|remove|help with)"
    r"|not eligible|isn't eligible|is not eligible|ineligible|not covered|against (?:our )?policy"
    r"|policy (?:doesn't|does not)"
    r"|(?:application|request|claim|appeal|complaint|dispute|refund|return|exchange|chargeback|cancellation|"
    r"extension|increase|exception)s?\s+(?:has been|have been|was|were|is|are)\s+"
    r"(?:declined|rejected|refused|denied))\b",
    re.I,
)
_ESCALATE = re.compile(
    r"\b(?:escalat\w+|pass(?:ed|ing)?|transferr?\w*|referr?\w*|forward\w*|hand(?:ed|ing)?|rais(?:ed|ing)|"
    r"put (?:you )?through|connect\w*|assign\w*|sen[dt]|log(?:ged)?)\s+(?:[\w'-]+\s+){0,5}?"
    r"(?:(?:on|over|up)\s+)?(?:to|with)\s+(?:the |our |a |my |your |an )?(?P<to>(?:senior |specialist |dedicated )?"
    r"(?:supervisor|manager|team leader|specialist|(?:\w+ ){1,2}team|team|department|colleagues?|engineers?|technician|"
    r"investigations?|claims|complaints|fraud|billing|tier \w+|second line|back office|underwriters?|[a-z]+ desk))\b",
    re.I,
)
_BUSINESS = r"(?:i|we|someone|somebody|they|he|she|an? [a-z]+|the [a-z]+(?: team)?|our [a-z]+(?: team)?|[A-Z][a-z]+)"
# Verbs after "we'll" that do not commit the business to anything ("we'll need your ID", "I'll see").
_NOT_COMMITMENTS = (
    "need|have|require|want|ask|like|love|hate|see|know|think|guess|assume|probably|just need|be needing|"
    "be asking|be unable|be able to see|not|never|leave|hold on|wait"
)
_PROMISE = re.compile(
    rf"\b(?P<who>{_BUSINESS})\s*(?:will|'ll|shall|are going to|is going to|am going to|aim to|promise to|promised to)"
    rf"\s+(?!(?:{_NOT_COMMITMENTS})\b)(?:(?:personally|definitely|also|then|now|try to|make sure to)\s+)*"
    r"(?P<verb>[a-z]+(?:\s+(?:back|up|into|out|in touch|you know))?)\b(?P<rest>[^.;!?]*)"
    r"|\b(?P<who2>we|i|they)\b[^.;!?]{1,60}?\b(?:and|then)\s+(?:will|'ll|shall)\s+"
    rf"(?!(?:{_NOT_COMMITMENTS})\b)(?P<verb4>[a-z]+)\b(?P<rest4>[^.;!?]*)"
    r"|\byou(?:'ll| will| should)\s+(?:then\s+)?(?P<verb2>receive|get|hear|see|have|be (?:refunded|credited|"
    r"contacted|called|sent|notified|updated))\b(?P<rest2>[^.;!?]*)"
    r"|\b(?:it|this|that|they|your \w+|the \w+)\s+(?:should|will|'ll)\s+(?:be\s+)?"
    r"(?P<verb5>arrive|reach you|be with you|delivered|credited|refunded|back|resolved|sorted|processed|reviewed|"
    r"dispatched|cleared|reflect|show|appear|land)\b(?P<rest5>[^.;!?]*)"
    r"|\b(?P<verb3>expect|allow)\s+(?P<rest3>[^.;!?]*(?:within|in|by)\b[^.;!?]*)",
    re.I,
)
# A customer reporting what they were told: "you said you'd call me by Friday", "I was promised a refund".
_REPORTED = re.compile(
    r"\b(?:you|they|he|she|someone|the (?:agent|bot|advisor|adviser|man|woman|lady|guy|bank|team)|your \w+)\s+"
    r"(?:said|promised|told me|assured me|were supposed to|was supposed to|agreed)\b(?P<rest>[^.;!?]*)"
    r"|\bI was (?:promised|told|assured)\b(?P<rest2>[^.;!?]*)",
    re.I,
)
_RESOLVED = re.compile(
    r"\b(?:(?:has|have) been|is now|is|was|all)\s+(?:now\s+)?(?:resolved|sorted|fixed|closed|completed)\b"
    r"|\b(?:problem|issue|that)(?:'s| is| seems| has been)\s+(?:now\s+)?(?:resolved|sorted|fixed)\b"
    r"|\b(?:works|working) (?:now|again|fine)\b|\bclosing (?:this|the case|the ticket)\b",
    re.I,
)
_STILL_OPEN = re.compile(
    r"\b(?:not|never|isn't|wasn't|hasn't|haven't|still|un)\s*(?:been\s+)?(?:resolved|sorted|fixed)\b", re.I
)
_COUNT_WORDS = {"once": 1, "twice": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "several": 3,
                "multiple": 3, "many": 3, "a few": 3, "few": 3, "a couple of": 2, "couple of": 2, "a dozen": 12,
                "numerous": 3, "countless": 5, "loads of": 3, "lots of": 3}  # fmt: skip
_COUNT = (
    r"(?:\d{1,2}|twice|once|"
    + "|".join(sorted((w for w in _COUNT_WORDS if w not in ("twice", "once")), key=len, reverse=True))
    + r")"
)
_TRIED = re.compile(
    r"\b(?:tried|attempted|done|gone through|used|did|reset|requested|clicked|entered)\b"
    rf"[^.;!?]{{0,60}}?\b{_COUNT}(?:\s+times?)?\b"
    rf"|\b{_COUNT}\s+(?:times?|attempts?|tries)\b[^.;!?]{{0,30}}"
    r"\b(?:fail\w*|tried|attempt\w*|no luck|nothing|didn't|did not|won't)"
    r"|\b(?:keeps?|kept) (?:failing|crashing|erroring|saying|rejecting|declining|timing out)\b",
    re.I,
)
_TRIED_WHAT = re.compile(rf"\b(?:tried|attempted)\s+(?:to\s+)?(?P<what>.+?)\s+{_COUNT}\b", re.I)
_BEFORE = re.compile(
    r"\b(?:i|we)(?:'ve| have| had)?\s+(?:already\s+|previously\s+|also\s+)?"
    r"(?:contacted|called|rung|rang|phoned|emailed|"
    r"messaged|written|wrote|chatted|spoken|spoke|been in touch|reached out|complained|raised this|raised it|reported|"
    r"told you|been on the phone|been on hold|been chasing|chased)\b"
    r"|\b(?:second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th)|umpteenth|another|"
    rf"{_COUNT}) (?:times?|contacts?|calls?|emails?)\b[^.;!?]{{0,25}}"
    r"\b(?:contact|call|ring|email|writ|ask|chas|message|phon|tell)\w*"
    r"|\b(?:chasing|following up|follow up on|still waiting|yet again|once again)\b"
    r"|\b(?:last|previous) (?:time|week|month|call|chat|email)\b",
    re.I,
)
_DID_NOT_HELP = re.compile(
    r"\b(?:article|link|guide|faq|help (?:page|article|centre|center)|instructions|steps|suggestion|advice|"
    r"troubleshooting|video|page|what you sent|what the bot|answer|that|it|this|those)\b[^.;!?]{0,25}?\b"
    r"(?:didn't|did not|doesn't|does not|wasn't|was not|won't|isn't|is not|hasn't)\s+(?:help\w*|work|solve|fix|"
    r"answer|apply|relevant|useful)\b"
    r"|\b(?:not|wasn't|isn't|un)\s*(?:helpful|useful|relevant)\b"
    r"|\balready (?:tried|done|did|followed|read|seen|checked) (?:that|those|this|it|the|your|all)\b",
    re.I,
)
_DIGITS = re.compile(
    r"\b(?:(?:ending|ends)(?:\s+in)?\s+)?(?:of\s+)?[£$€]?\d[\d,.]*(?:-\w+)?\b|\b(?:GBP|USD|EUR)\b", re.I
)
_DUE_WORDS = re.compile(
    r"\s+(?:by|within|before|on|until|no later than|tomorrow|today|tonight|this|next|at\s+\d"
    r"|in\s+(?:the\s+)?(?:next\s+)?"
    r"(?:\d|a |an |one|two|three|four|five|few|couple|several|fortnight))\b.*$",
    re.I,
)
_SELF_SERVICE = re.compile(
    r"\b(?:app|website|site|online|web ?page|link|form|portal|bot|chatbot|chat ?bot|automated|self[- ]service|"
    r"the system|kiosk|menu|password reset|reset|log ?in|sign ?in|code|one-time|otp|tried|attempted|attempts?)\b",
    re.I,
)
# A suggestion or request to the customer: what they were told to do next.
_ADVICE = re.compile(
    r"^\W*(?:(?:please|kindly|first|then|now|also|otherwise|alternatively),?\s+)*(?:try|check|make sure|go to|visit|"
    r"restart|reinstall|update|clear|log out|log in|sign out|sign in|turn|reset|send|dm|follow|reply|call|contact|"
    r"click|tap|select|open|delete|remove|uninstall|download|install|use|enter|fill|upload|wait|keep|bring|take|"
    r"email|message|reach out)\b"
    r"|\b(?:can|could|would|will) you (?:please |kindly )?(?:try|check|send|dm|confirm|provide|tell|let|share|follow|"
    r"reach|call|email|message|upload|restart|reinstall|update|clear|make sure)\b"
    r"|\b(?:i|we)(?:'d| would)? (?:recommend|suggest|advise)\b"
    r"|\byou (?:can|could|should|may want to|need to|'ll need to|will need to) "
    r"(?:try|check|send|dm|contact|call|visit|go|use|update|restart|reinstall|reset|upload|bring|reach)\b",
    re.I,
)
_FILLER = re.compile(r"^(?:your|my|the|a|an|this|that|our|his|her|their|its|you|i|we|it)\s+", re.I)
_TRAILING = re.compile(r"\s+(?:for you|to you|for me|to me|please|again|now|today|though|yet)$", re.I)


# Words without which a pattern cannot match: a substring test is far cheaper than the pattern, and most
# sentences make none of these acts.
_GATES = {
    "resolved": ("resolv", "sorted", "fixed", "closed", "complet", "working", "works", "closing"),
    "verify": ("verif", "identity", "id", "security", "authent", "selfie", "proof of", "passport", "licen", "kyc",
               "code", "otp", "date of birth", "memorable", "document", "payslip", "statement"),
    "fail": ("n't", "not", "unable", "cannot", "fail", "unsuccess", "declin", "reject", "refus", "bounc", "time",
             "expir", "invalid", "incorrect", "wrong", "mismatch", "match", "recogni", "error", "crash", "stuck"),
    "refuse": ("n't", "not", "unable", "cannot", "no longer", "eligib", "covered", "policy", "declin", "reject",
               "refus", "denied", "allowed"),
    "promise": ("will", "'ll", "shall", "going to", "aim to", "promise", "should", "expect", "allow"),
    "success": ("succe", "went through", "worked", "been", "was", "were", "is", "are", "got", "'ve", "have", "ed",
                "done", "complete", "made", "sent", "paid", "through"),
    "escalate": ("escalat", "pass", "transfer", "refer", "forward", "hand", "rais", "through", "connect", "assign",
                 "sen", "log"),
    "reported": ("said", "promis", "told", "assured", "supposed", "agreed"),
    "tried": ("tried", "attempt", "done", "gone through", "used", "did", "reset", "request", "click", "enter",
              "time", "tries", "keep", "kept"),
    "before": ("contact", "call", "rung", "rang", "phoned", "email", "messag", "writ", "wrote", "chat", "spok",
               "in touch", "reached", "complain", "raised", "reported", "told you", "on the phone", "on hold", "chas",
               "follow", "still waiting", "again", "last", "previous", "time"),
    "unhelpful": ("help", "work", "solve", "fix", "answer", "apply", "relevant", "useful", "already"),
}  # fmt: skip


def _may(low: str, gate: str) -> bool:
    return any(word in low for word in _GATES[gate])


@dataclass
class TurnActs:
    """What one turn of text does, before it is tied to an event."""

    # step, result, reason, count, refusal, in self-service (an app, a site, a link, a bot)
    steps: list[tuple[str, str | None, str | None, int, bool, bool]] = field(default_factory=list)
    verification: tuple[str, str | None] | None = None  # outcome, reason
    promises: list[tuple[str, str, str]] = field(default_factory=list)  # what, by, the words holding the due time
    handovers: list[tuple[str, str]] = field(default_factory=list)  # to, sentence
    advice: list[str] = field(default_factory=list)  # what the business asked or advised the customer to do
    statements: list[tuple[str, str, int]] = field(default_factory=list)  # kind, sentence, count
    resolved: bool = False


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) > 1]


def _phrase(words: str, limit: int = 5) -> str:
    words = re.sub(r"[^\w' -]", " ", _DIGITS.sub(" ", words)).strip()
    for _ in range(3):
        words = _FILLER.sub("", words)
    words = _TRAILING.sub("", words).strip()
    return " ".join(words.split()[:limit]).lower()


def _reason(sentence: str, after: int) -> str | None:
    match = _REASON.search(sentence, after)
    if not match:
        return None
    reason = match.group("reason").strip(" ,-:")
    return reason if len(reason.split()) >= 1 and len(reason) > 2 else None


_COUNT_IN = re.compile(rf"\b({_COUNT})\b(?:\s+(?:times?|attempts?|tries))?", re.I)


def count_of(text: str) -> int:
    """How many times `text` says something happened ("three times", "twice", "2 attempts"); 1 when it does not."""
    for match in _COUNT_IN.finditer(text):
        raw = match.group(1).lower()
        if raw.isdigit() and not match.group(0)[len(raw) :].strip():
            continue  # a bare number is not a count
        return int(raw) if raw.isdigit() else _COUNT_WORDS.get(raw, 1)
    return 1


def _failure(sentence: str) -> tuple[str, str | None] | None:
    """(what failed, reason) for a sentence stating a failure."""
    if cant := _CANT.search(sentence):
        verb = cant.group("verb").lower()
        if verb not in ("be", "have", "get", "know", "see", "hear", "wait", "help", "believe", "thank", "stress"):
            subject = _phrase(re.split(r",\s|\b(?:but|and|so)\b", sentence[: cant.start()])[-1], 4)
            what = subject if cant.group("passive") and subject else _phrase(f"{verb} {cant.group('obj')}", 4)
            return what, _reason(sentence, cant.end())
    if fail := _FAIL.search(sentence):
        if to := re.match(r"\s+to\s+(\w+(?:\s+[\w'-]+){0,3})", sentence[fail.end() :]):
            return _phrase(to.group(1), 4), _reason(sentence, fail.end() + to.end())
        before = sentence[: fail.start()]
        before = re.split(r"\b(?:but|and|so|then|when|because|that|which)\b|,\s", before, flags=re.I)[-1]
        before = re.sub(
            r"\b(?:has|have|had|was|were|is|are|been|keeps?|kept|just|always|again|still)\b", " ", before, flags=re.I
        )
        subject = _phrase(before, 4)
        if not subject:
            after = sentence[fail.end() :]
            subject = _phrase(re.split(r"\b(?:because|due|as|since|after)\b|[,:(]", after, flags=re.I)[0], 4)
        return subject or fail.group(0).lower(), _reason(sentence, fail.end())
    return None


def says_resolved(text: str) -> bool:
    """A business turn that closes the issue ("this has been resolved", "closing the case")."""
    return any(_RESOLVED.search(s) and not _STILL_OPEN.search(s) for s in sentences(text))


@lru_cache(maxsize=8192)
def read_turn(text: str, *, actor: str, action: bool = False) -> TurnActs:
    """The acts in one event's text; `actor` decides which acts it can make (only the business promises).

    `action`: the event records something done (a flow submitted, a form sent), so a failure in it is a
    failed attempt; in a customer's message a failure is a failed attempt only in self-service words.

    Cached (callers only read the result): a customer's timeline is read again at every contact."""
    acts = TurnActs()
    business = actor in ("agent", "bot", "system")
    for sentence in sentences(text):
        low = sentence.lower()
        closed = _may(low, "resolved") and _RESOLVED.search(sentence) and not _STILL_OPEN.search(sentence)
        if closed and (business or re.search(r"\b(?:resolved|sorted|fixed|working)\b", low)):
            acts.resolved = True
        verify = _may(low, "verify") and _VERIFY.search(sentence)
        failure = _failure(sentence) if _may(low, "fail") else None
        refusal = business and _may(low, "refuse") and _REFUSE.search(sentence)
        promise = _PROMISE.search(sentence) if business and _may(low, "promise") else None
        self_service = bool(_SELF_SERVICE.search(sentence))
        tried = _TRIED.search(sentence) if actor == "customer" and _may(low, "tried") else None
        if verify and (failure or refusal):
            acts.verification = ("failed", _reason(sentence, verify.end()))
        elif verify and _VERIFY_OK.search(sentence) and not failure:
            acts.verification = ("passed", None)
        elif refusal:
            because = _REASON.search(sentence, refusal.end())
            what = _phrase(sentence[refusal.start() : because.start() if because else None], 6)
            acts.steps.append((what, "failed", _reason(sentence, refusal.end()), 1, True, business))
        elif failure and not promise and (business or action or self_service):
            count = count_of(tried.group(0)) if tried else 1
            told = _TRIED_WHAT.search(sentence) if tried else None
            step = (_phrase(told.group("what"), 4) if told else "") or failure[0]
            acts.steps.append((step, "failed", failure[1], count, False, business or self_service))
        elif business and _may(low, "success") and (done := _SUCCESS.search(sentence)):
            word = next(w for w in done.group("done", "done2", "done3", "done4", "done5") if w).lower()
            before = done.group("object") or done.group("noun") or sentence[: done.start()]
            subject = _phrase(re.split(r",\s|\bbut\b|\band\b", before)[-1], 4)
            acts.steps.append((f"{subject} {word}".strip(), "success", None, 1, False, True))
        if business and _may(low, "escalate") and (handover := _ESCALATE.search(sentence)):
            acts.handovers.append((handover.group("to").lower(), sentence))
        if promise:
            acts.promises.append(_promised(promise, sentence, actor))
        elif business and not failure and _ADVICE.search(sentence):
            acts.advice.append(sentence)
        if actor == "customer":
            _customer_says(sentence, low, tried, acts)
    return acts


def _promised(promise: re.Match[str], sentence: str, actor: str) -> tuple[str, str, str]:
    groups = promise.groupdict()
    verb = next(groups[f"verb{n}"] for n in ("", "4", "2", "5", "3") if groups[f"verb{n}"])
    rest = next((groups[f"rest{n}"] for n in ("", "4", "2", "5", "3") if groups[f"verb{n}"]), "") or ""
    who = (promise.group("who") or promise.group("who2") or "").lower()
    by = actor if who in ("i", "we", "") else who.removeprefix("the ").removeprefix("our ")
    # "it should arrive ...": what "it" is was said before, so the whole sentence is the promise.
    said = sentence if groups["verb5"] and who == "" else f"{verb} {rest}"
    return _phrase(_DUE_WORDS.sub("", said), 8), by, sentence


_REPORTED_WHAT = re.compile(
    r"\b(?:call|ring|phone|email|text|send|refund|credit|fix|sort|get back|contact|update|deliver|arrive|be)\w*", re.I
)


def _customer_says(sentence: str, low: str, tried: re.Match[str] | None, acts: TurnActs) -> None:
    """A customer reporting a promise, tries that failed, earlier contacts, help that did not help."""
    if _may(low, "reported") and (reported := _REPORTED.search(sentence)):
        rest = reported.group("rest") or reported.group("rest2") or ""
        if _REPORTED_WHAT.search(rest):
            what = re.sub(r"^\W*(?:that\s+)?(?:you|they|he|she|someone|it)?(?:'d|'ll| would| will| to)?\s+", "", rest)
            what = re.split(r"\s+(?:and|but)\s+", _DUE_WORDS.sub("", what))[0]
            acts.promises.append((_phrase(what, 6), "agent", sentence))
    if tried:
        acts.statements.append(("self_service_failed", sentence, count_of(tried.group(0))))
    if _may(low, "before") and _BEFORE.search(sentence):
        acts.statements.append(("contacted_before", sentence, 1))
    if _may(low, "unhelpful") and _DID_NOT_HELP.search(sentence):
        acts.statements.append(("did_not_help", sentence, 1))
