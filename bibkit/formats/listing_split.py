"""Splitting a paper card's "title abstract" run into its two parts, with a confidence.

A listing card prints the title and the abstract with no separator, so the boundary has to be
inferred. Rather than rules for particular titles, every word boundary is scored on evidence
that holds for scholarly text in general, and the best-scoring one wins:

* how titles end: almost never on a function word ("for", "of", "via"), a colon or a dash;
  rarely on an attributive adjective ("Large", "Sparse", "Natural"); a question mark ends one;
* how abstracts begin: a sentence, i.e. a capitalised word soon followed by lower-case words,
  often a typical opening ("We", "In this work", "Recently,", "Large language models");
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
    return w in _ADJECTIVES or head in _ADJECTIVES or bool(_ADJ_SUFFIX.search(head)) and len(head) > 4


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


def _math_inside(text: str) -> bool:
    """True when ``text`` leaves a ``$...$`` span open."""
    return len(re.findall(r"(?<!\\)\$", text)) % 2 == 1


def score_boundary(tokens: list[str], i: int, abbrevs: list[tuple[int, int]], body_prefix: str) -> float:
    """The evidence that the title is ``tokens[:i]`` and the abstract ``tokens[i:]``."""
    title, abstract = tokens[:i], tokens[i:]
    last, first = title[-1], abstract[0]
    score = 0.0
    if _math_inside(body_prefix):
        return -100.0
    for q, p in abbrevs:
        if q < i <= p:
            return -50.0  # inside "Long Form (LF)"

    # --- how the title ends
    lc = last.lower()
    if lc.endswith((":", "-", "–", "—", ",", ";", "/", "&")) or last in ("(", "["):
        score -= 20
    elif _core(last) in FUNCTION_WORDS and not last.endswith(("?", "!")):
        score -= 7
    elif last.endswith(("?", "!")):
        score += 3
    elif _is_adjective(last) and not last.endswith("s"):
        score -= 2.5
    elif last.endswith(".") and len(_core(last)) > 3:
        score -= 3  # titles on cards do not end with a full stop; sentences do
    if last.count("(") > last.count(")"):
        score -= 20

    # --- how the abstract begins
    if not (_starts_upper(first) or first[:1].isdigit() or first.startswith(("$", "\"", "“"))):
        score -= 15
    elif first[:1].isdigit():
        score -= 1.5
    w0 = _core(first)
    w1 = _core(abstract[1]) if len(abstract) > 1 else ""
    if (w0, w1) in OPENER_BIGRAMS:
        score += 3
    elif w0 in OPENERS and not title[-1].endswith(":"):
        score += 1.5
    if first.endswith(",") and len(first) > 2:
        score += 1.5  # "Recently," "Nowadays," "However,"
    # a title-like capitalised run at the start of the abstract is evidence against it; the
    # long form of an abbreviation defined there counts as one unit ("Large Language Models (LLMs)")
    starts = {q for q, _ in abbrevs}
    run = 0
    for k in range(i, min(len(tokens), i + 8)):
        tok = tokens[k]
        if k in starts:
            run += 1
            break
        if tok.startswith("(") or (_is_lower_word(tok) and _core(tok) not in FUNCTION_WORDS):
            break
        if _core(tok) not in FUNCTION_WORDS:
            run += 1
    score -= 1.2 * max(0, run - 1)
    if len(abstract) > 1 and _is_lower_word(abstract[1]):
        score += 0.5

    # --- title style: lower-case content words belong to a sentence, not a title-cased title
    lower_content = sum(1 for t in title[1:] if _is_lower_word(t) and _core(t) not in FUNCTION_WORDS)
    if lower_content:
        cased = sum(1 for t in title if _starts_upper(t))
        # a sentence-case title (few capitals) pays less: it is written that way throughout
        weight = 1.5 if cased >= lower_content else 0.6
        score -= min(6.0, weight * lower_content)
    if any(t.endswith(".") and len(_core(t)) > 3 and not t.endswith("..") for t in title[:-1]):
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
    matches = list(_WORD.finditer(body))
    tokens = [m.group() for m in matches]
    if len(tokens) < 2:
        return Split(body.strip(), "", 0.0 if tokens else 0.0, 0.0)
    abbrevs = abbreviation_spans(tokens[: max_title_words + 20])
    scored: list[tuple[float, int]] = []
    for i in range(1, min(len(tokens), max_title_words + 1)):
        prefix = body[: matches[i].start()]
        scored.append((score_boundary(tokens, i, abbrevs, prefix), i))
    # tie: prefer the shorter title (the abstract's first sentence is the likelier extension)
    scored.sort(key=lambda s: (-s[0], s[1]))
    best_score, best = scored[0]
    runner_score, runner = scored[1] if len(scored) > 1 else (best_score - 10, best)
    margin = best_score - runner_score
    confidence = math.tanh(0.75 * margin) if len(scored) > 1 else 0.0
    rest = tokens[best:]
    if len(rest) < 4 or not any(_is_lower_word(t) for t in rest[:10]):
        confidence *= 0.3  # no sentence after the boundary: maybe no abstract at all
    cut = matches[best].start()
    return Split(
        title=body[:cut].rstrip(),
        abstract=body[cut:].strip(),
        confidence=round(confidence, 3),
        score=round(best_score, 2),
        runner_up=body[: matches[runner].start()].rstrip(),
    )
