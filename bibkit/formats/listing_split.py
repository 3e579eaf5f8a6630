"""Splitting a paper card's "title abstract" run into its two parts, with a confidence.

A listing card prints the title and the abstract with no separator, so the boundary has to be
inferred. Rather than rules for particular titles, every word boundary is scored on evidence
that holds for scholarly text in general, and the best-scoring one wins:

* how titles end: almost never on a function word ("for", "of", "via"), a colon or a dash;
  rarely on an attributive adjective ("Large", "Sparse", "Natural"); a question mark ends one;
* how abstracts begin: a sentence, i.e. a capitalised word (or one with fixed case, "mRNA")
  soon followed by lower-case words, often a typical opening ("We", "In this work",
  "Recently,", "Large language models"); a title does not end with a full stop;
* title style: in a title-cased title the lower-case words are function words, so lower-case
  content words on the title side mean the boundary is too far right;
* abbreviation definitions: "Automatic Speech Recognition (ASR) systems" opens many abstracts;
  the long form of a defined abbreviation (found with the Schwartz-Hearst algorithm, the
  standard one in biomedical text mining) is one unit, so no boundary falls inside it and
  its capitalised words are not counted as a title-like run;
* never inside a ``$...$`` math span.

The confidence is ``tanh(0.75 * margin)``, the margin being the score of the best boundary
minus the runner-up's: 0 when two boundaries tie, 0.64 for a margin of one point, 0.98 for
three; it is cut when no sentence follows the boundary (perhaps there is no abstract at all).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

# Words that do not end a title and are lower case inside a title-cased one.
FUNCTION_WORDS = frozenset("""
a an the of for in on with and or nor but to via from by at into onto through using towards toward
as is are be been being vs versus without under over between across beyond within upon about
its their our your his her not do does can we that which when how what where who whose than
yet so if per based like after before against among along around during until while
""".split())

# Attributive adjectives that commonly start a noun phrase and rarely end a title.
# Suffix rules below catch most others ("-al", "-ive", "-ous", ...).
_ADJECTIVES = frozenset("""
large small big tiny huge sparse dense deep shallow natural neural efficient robust fast
novel new simple general generic open free modern recent current existing multiple single
multi mixed hybrid joint unified universal strong weak low high long short wide broad
fine coarse self pre post non cross semi fully highly
""".split())
_ADJ_SUFFIX = re.compile(r"(?:al|ive|ous|ic|able|ible|ful|less|ary)$")
_ADJ_SUFFIX_EXCEPT = frozenset("""
tutorial survey proposal trial journal manual terminal signal potential interval arrival
rival approval removal renewal retrieval disposal archive objective directive perspective
alternative initiative narrative executive representative incentive motive topic logic
music magic rhetoric arithmetic mechanic clinic critic graphic electronic semantic dynamics
variable vocabulary library summary dictionary glossary boundary benchmark
""".split())

# How abstracts typically open (first word, and two-word openings that are stronger evidence).
OPENERS = frozenset("""
we in this these recent recently despite existing current although while with as large
modern many most to our given due how what since building traditional the a an one there
it current today nowadays over previous prior state conventional standard typical
""".split())
OPENER_BIGRAMS = frozenset({
    ("in", "this"), ("this", "paper"), ("this", "work"), ("this", "study"), ("we", "propose"),
    ("we", "present"), ("we", "introduce"), ("we", "study"), ("we", "investigate"),
    ("large", "language"), ("recent", "advances"), ("recent", "work"), ("recent", "years"),
    ("in", "recent"), ("with", "the"), ("despite", "the"), ("the", "recent"), ("we", "describe"),
    ("we", "show"), ("we", "explore"), ("we", "consider"), ("we", "develop"), ("we", "release"),
})

_WORD = re.compile(r"\S+")
_LETTERS = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Split:
    """Where the title ends in a card's text: ``title``/``abstract`` verbatim, and the evidence."""

    title: str
    abstract: str
    confidence: float
    score: float
    runner_up: str = ""  # the title the second-best boundary would have given


def _core(token: str) -> str:
    """The token without surrounding punctuation, lower-cased."""
    return token.strip("()[]{}\"'“”‘’,.;:!?").lower()


def _starts_upper(token: str) -> bool:
    first = _LETTERS.search(token)
    return bool(first) and first.start() <= 1 and first.group().isupper()


def _is_lower_word(token: str) -> bool:
    """An all-lower-case word (no capitals anywhere): 'comprehensive', 'transformer-based'."""
    stripped = token.strip("()[]\"'“”‘’,.;:!?")
    return bool(stripped) and stripped[0].isalpha() and stripped.islower()


def _is_adjective(word: str) -> bool:
    w = _core(word)
    if not w or w in _ADJ_SUFFIX_EXCEPT:
        return False
    head = w.split("-")[-1]
    return w in _ADJECTIVES or head in _ADJECTIVES or (len(head) > 4 and bool(_ADJ_SUFFIX.search(head)))


def abbreviation_spans(tokens: list[str]) -> list[tuple[int, int]]:
    """(start, paren) token spans of abbreviation definitions "Long Form (LF)".

    Schwartz & Hearst (2003): match the short form's characters right to left in the words
    before the parenthesis, the first character at a word start; the shortest match is the
    long form. The window is min(|SF| + 5, 2 * |SF|) words, as in the paper.
    """
    spans = []
    for p, tok in enumerate(tokens):
        m = re.match(r"^\(([^()\s]{2,12})\)[,.;:]?$", tok)
        if not m or p == 0:
            continue
        short = m.group(1)
        if not re.search(r"[A-Z]", short) or not short[0].isalnum():
            continue
        letters = [c for c in short if c.isalnum()]
        window = min(len(letters) + 5, 2 * len(letters))
        first = max(0, p - window)
        words = tokens[first:p]
        long = " ".join(words)
        start = _schwartz_hearst(short, long)
        if start is None:
            continue
        # which token does the character offset fall in?
        offset, q = 0, first
        for i, w in enumerate(words):
            if offset + len(w) > start:
                q = first + i
                break
            offset += len(w) + 1
        spans.append((q, p))
    return spans


def _schwartz_hearst(short: str, long: str) -> int | None:
    s, l = len(short) - 1, len(long) - 1
    while s >= 0:
        c = short[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        while l >= 0 and (long[l].lower() != c or (s == 0 and l > 0 and long[l - 1].isalnum())):
            l -= 1
        if l < 0:
            return None
        l -= 1
        s -= 1
    start = long.rfind(" ", 0, l + 1) + 1
    return start


class _Tokens:
    """A card body's words with the per-word facts the scorer needs, computed once.

    Prefix sums make every title-side count O(1) per candidate boundary.
    """

    def __init__(self, body: str, limit: int):
        self.matches = list(_WORD.finditer(body))
        self.total = len(self.matches)
        # the scorer looks at most a few words past the longest title it considers
        self.words = [m.group() for m in self.matches[: limit + 30]]
        self.core = [_core(w) for w in self.words]
        self.upper = [_starts_upper(w) for w in self.words]
        self.lower = [_is_lower_word(w) for w in self.words]
        self.function = [c in FUNCTION_WORDS for c in self.core]
        self.abbrevs = abbreviation_spans(self.words)
        self.abbrev_starts = {q for q, _ in self.abbrevs}
        self.lower_content = self._prefix([lo and not fn for lo, fn in zip(self.lower, self.function)])
        self.cased = self._prefix(self.upper)
        self.sentence_end = self._prefix([w.endswith(".") and len(c) > 3 and not w.endswith("..")
                                          for w, c in zip(self.words, self.core)])
        dollars = [len(re.findall(r"(?<!\\)\$", w)) for w in self.words]
        self.math_open = self._prefix([d % 2 == 1 for d in dollars])  # odd count before i: inside math

    @staticmethod
    def _prefix(flags: list[bool]) -> list[int]:
        out = [0]
        for flag in flags:
            out.append(out[-1] + int(flag))
        return out

    def __len__(self) -> int:
        return len(self.words)


def score_boundary(t: _Tokens, i: int) -> float:
    """The evidence that the title is ``t.words[:i]`` and the abstract ``t.words[i:]``."""
    words = t.words
    last, first = words[i - 1], words[i]
    score = 0.0
    if t.math_open[i] % 2 == 1:
        return -100.0  # inside $...$
    for q, p in t.abbrevs:
        if q < i <= p:
            return -50.0  # inside "Long Form (LF)"

    # --- how the title ends
    if last.endswith((":", "-", "–", "—", ",", ";", "/", "&")) or last in ("(", "["):
        score -= 20
    elif t.function[i - 1] and not last.endswith(("?", "!")):
        score -= 7
    elif last.endswith(("?", "!")):
        score += 3
    elif _is_adjective(last) and not last.endswith("s"):
        score -= 2.5
    elif last.endswith(".") and len(t.core[i - 1]) > 3:
        score -= 3  # titles on cards do not end with a full stop; sentences do
    if last.count("(") > last.count(")"):
        score -= 20

    # --- how the abstract begins
    if not (t.upper[i] or first[:1].isdigit() or first.startswith(("$", "\"", "“"))):
        # sentences start with a capital, except on words whose case is fixed ("mRNA", "iPhone")
        score -= 2 if re.search(r"[a-z][A-Z]", first) else 15
    elif first[:1].isdigit():
        score -= 1.5
    w0 = t.core[i]
    w1 = t.core[i + 1] if i + 1 < len(t) else ""
    if (w0, w1) in OPENER_BIGRAMS:
        score += 3
    elif w0 in OPENERS and not last.endswith(":"):
        score += 1.5
    if first.endswith(",") and len(first) > 2:
        score += 1.5  # "Recently," "Nowadays," "However,"
    # a title-like capitalised run at the start of the abstract is evidence against it; the
    # long form of an abbreviation defined there counts as one unit ("Large Language Models (LLMs)")
    run = 0
    for k in range(i, min(len(t), i + 8)):
        if k in t.abbrev_starts:
            run += 1
            break
        if words[k].startswith("(") or (t.lower[k] and not t.function[k]):
            break
        if not t.function[k]:
            run += 1
    score -= 1.2 * max(0, run - 1)
    if i + 1 < len(t) and t.lower[i + 1]:
        score += 0.5

    # --- title style: lower-case content words belong to a sentence, not a title-cased title
    lower_content = t.lower_content[i] - t.lower_content[1]  # the first word may be "pNLP-..."
    if lower_content:
        cased = t.cased[i]
        # a sentence-case title (few capitals) pays less: it is written that way throughout
        weight = 1.5 if cased >= lower_content else 0.6
        score -= min(6.0, weight * lower_content)
    if t.sentence_end[i - 1]:
        score -= 3  # a sentence end inside the title
    # --- length: titles are rarely one or two words, rarely over 25
    if i == 1:
        score -= 4
    elif i == 2:
        score -= 1.5
    elif i > 25:
        score -= 0.3 * (i - 25)
    return score


def split_title_abstract(body: str, max_title_words: int = 40) -> Split:
    """Choose the most likely title/abstract boundary in ``body`` (both parts kept verbatim)."""
    t = _Tokens(body, max_title_words)
    if len(t) < 2:
        return Split(body.strip(), "", 0.0, 0.0)
    scored = [(score_boundary(t, i), i) for i in range(1, min(len(t), max_title_words + 1))]
    # tie: prefer the shorter title (the abstract's first sentence is the likelier extension)
    scored.sort(key=lambda s: (-s[0], s[1]))
    best_score, best = scored[0]
    runner_score, runner = scored[1] if len(scored) > 1 else (best_score - 10, best)
    margin = best_score - runner_score
    confidence = math.tanh(0.75 * margin) if len(scored) > 1 else 0.0
    if t.total - best < 4 or not any(t.lower[best:best + 10]):
        confidence *= 0.3  # no sentence after the boundary: maybe no abstract at all
    matches = t.matches
    cut = matches[best].start()
    return Split(
        title=body[:cut].rstrip(),
        abstract=body[cut:].strip(),
        confidence=round(confidence, 3),
        score=round(best_score, 2),
        runner_up=body[: matches[runner].start()].rstrip(),
    )
