"""Rich text: the output of evaluation, independent of any output format.

A `Rich` is a span holding children (plain `str` or nested `Rich`) plus formatting. Backends
never see the tree directly: `flatten` turns it into a token stream (text, push/pop of a
format, quote open/close, display blocks), fixes punctuation across span boundaries, and the
backend serialises the tokens.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional, Union

Child = Union[str, "Rich"]

FORMAT_KEYS = ("font-style", "font-variant", "font-weight", "text-decoration", "vertical-align")


class Rich:
    __slots__ = ("children", "fmt", "quotes", "nocase", "display", "tag")

    def __init__(self, children=None, fmt=None, quotes=False, nocase=False, display=None, tag=None):
        self.children: list = children if children is not None else []
        self.fmt: Optional[dict] = fmt
        self.quotes: bool = quotes
        self.nocase: bool = nocase
        self.display: Optional[str] = display
        self.tag = tag  # free marker used by the processor (e.g. "year-suffix", "citation-number")

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Rich({self.children!r}, fmt={self.fmt}, q={self.quotes}, nc={self.nocase}, d={self.display}, tag={self.tag})"

    def is_empty(self) -> bool:
        return not plain(self)


def plain(x) -> str:
    """Plain text of rich text, without quotes or formatting (used for comparisons and sorting)."""
    if x is None:
        return ""
    if isinstance(x, str):
        return x
    if isinstance(x, list):
        return "".join(plain(c) for c in x)
    return "".join(plain(c) for c in x.children)


def is_empty(x) -> bool:
    if x is None:
        return True
    if isinstance(x, str):
        return x == ""
    if isinstance(x, list):
        return all(is_empty(c) for c in x)
    return all(is_empty(c) for c in x.children)


def join(parts: Iterable, delimiter: str = "") -> list:
    out: list = []
    first = True
    for p in parts:
        if is_empty(p):
            continue
        if not first and delimiter:
            out.append(delimiter)
        out.append(p)
        first = False
    return out


def leaves(x, nocase=False):
    """Yield (container_list, index, nocase) for every str leaf, in order."""
    if isinstance(x, Rich):
        nc = nocase or x.nocase
        ch = x.children
        for i, c in enumerate(ch):
            if isinstance(c, str):
                yield ch, i, nc
            else:
                yield from leaves(c, nc)
    elif isinstance(x, list):
        for i, c in enumerate(x):
            if isinstance(c, str):
                yield x, i, nocase
            else:
                yield from leaves(c, nocase)


def map_leaves(x, fn) -> None:
    """Apply fn to each non-nocase str leaf in place."""
    for container, i, nc in list(leaves(x)):
        if not nc:
            container[i] = fn(container[i])


# --------------------------------------------------------------------------- markup in data

_TAG = re.compile(
    r'(<i>|</i>|<b>|</b>|<sup>|</sup>|<sub>|</sub>|<sc>|</sc>|'
    r'<span\s+style="font-variant:\s*small-caps;?">|<span\s+class="nocase">|</span>|'
    r'"|\u201c|\u201d|\u2018|\u2019|\')'
)

_OPEN = {
    "<i>": ("fmt", "font-style", "italic"),
    "<b>": ("fmt", "font-weight", "bold"),
    "<sup>": ("fmt", "vertical-align", "sup"),
    "<sub>": ("fmt", "vertical-align", "sub"),
    "<sc>": ("fmt", "font-variant", "small-caps"),
}
_CLOSE = {"</i>": "<i>", "</b>": "<b>", "</sup>": "<sup>", "</sub>": "<sub>", "</sc>": "<sc>"}

_markup_cache: dict = {}


def parse_markup(s: str) -> list:
    """Parse the HTML-like markup and quotes allowed in CSL-JSON fields into rich children.

    Unbalanced markup is kept as literal text: data is never lost or turned into markup by
    accident.
    """
    r = _markup_cache.get(s)
    if r is None:
        r = False if not _TAG.search(s) else _parse_markup(s)
        if len(_markup_cache) < 100000:
            _markup_cache[s] = r
    if r is False:
        return [s]
    return _copy(r)


def _copy(children: list) -> list:
    """Fresh copy: evaluation mutates leaves in place (text-case), the cache must stay intact."""
    return [c if isinstance(c, str) else
            Rich(_copy(c.children), dict(c.fmt) if c.fmt else None, c.quotes, c.nocase, c.display, c.tag)
            for c in children]


def _word_char(c: str) -> bool:
    return c.isalnum()


def _parse_markup(s: str) -> list:
    tokens = []
    pos = 0
    for m in _TAG.finditer(s):
        if m.start() > pos:
            tokens.append(("t", s[pos:m.start()]))
        tokens.append(("m", m.group(0), m.start()))
        pos = m.end()
    if pos < len(s):
        tokens.append(("t", s[pos:]))
    # stack of (opener, node)
    root = Rich()
    stack: list = [(None, root)]
    for idx, tok in enumerate(tokens):
        if tok[0] == "t":
            stack[-1][1].children.append(tok[1])
            continue
        m, at = tok[1], tok[2]
        before = s[at - 1] if at > 0 else ""
        after = s[at + len(m)] if at + len(m) < len(s) else ""
        if m in _OPEN:
            _, k, v = _OPEN[m]
            node = Rich(fmt={k: v})
            stack[-1][1].children.append(node)
            stack.append((m, node))
        elif m.startswith("<span"):
            if "nocase" in m:
                node = Rich(nocase=True)
            else:
                node = Rich(fmt={"font-variant": "small-caps"})
            stack[-1][1].children.append(node)
            stack.append(("<span", node))
        elif m in _CLOSE or m == "</span>":
            want = _CLOSE.get(m, "<span")
            if any(op == want for op, _ in stack[1:]):
                while stack[-1][0] != want:
                    _unwind(stack)
                stack.pop()
            else:
                stack[-1][1].children.append(m)
        else:
            # quotes
            if m == '"':
                if _open_in_stack(stack, '"') and (not after or not after.isalnum()):
                    _close_to(stack, '"')
                elif not before or not before.isalnum():
                    node = Rich(quotes=True)
                    stack[-1][1].children.append(node)
                    stack.append(('"', node))
                else:
                    stack[-1][1].children.append(m)
            elif m in ("'", "\u2019"):
                if before and before.isalnum() and after and after.isalnum():
                    stack[-1][1].children.append("\u2019")
                elif _open_in_stack(stack, "'") and (not after or not after.isalnum()):
                    _close_to(stack, "'")
                elif (not before or not before.isalnum()) and after and m == "'":
                    node = Rich(quotes=2)
                    stack[-1][1].children.append(node)
                    stack.append(("'", node))
                else:
                    stack[-1][1].children.append("\u2019")
            elif m == "\u2018":
                node = Rich(quotes=2)
                stack[-1][1].children.append(node)
                stack.append(("'", node))
            elif m == "\u201c":
                node = Rich(quotes=True)
                stack[-1][1].children.append(node)
                stack.append(('"', node))
            elif m == "\u201d":
                if _open_in_stack(stack, '"'):
                    _close_to(stack, '"')
                else:
                    stack[-1][1].children.append(m)
            elif m == "\u00ab":
                node = Rich(quotes=True)
                stack[-1][1].children.append(node)
                stack.append(("«", node))
            elif m == "\u00bb":
                if _open_in_stack(stack, "«"):
                    _close_to(stack, "«")
                else:
                    stack[-1][1].children.append(m)
    while len(stack) > 1:
        _unwind(stack)
    return root.children


def _open_in_stack(stack, op) -> bool:
    return any(o == op for o, _ in stack[1:])


def _close_to(stack, op) -> None:
    while stack[-1][0] != op:
        _unwind(stack)
    stack.pop()


_LITERAL_OPEN = {'"': '"', "'": "'", "«": "«"}


def _unwind(stack) -> None:
    """An opener that was never closed: put it back as literal text."""
    op, node = stack.pop()
    parent = stack[-1][1]
    idx = next(i for i in range(len(parent.children) - 1, -1, -1) if parent.children[i] is node)
    if op in _LITERAL_OPEN:
        lit = "\u2019" if op == "'" else _LITERAL_OPEN[op]
        parent.children[idx:idx + 1] = [lit] + node.children
    elif op == "<span":
        parent.children[idx:idx + 1] = node.children
    else:
        parent.children[idx:idx + 1] = [op] + node.children


# --------------------------------------------------------------------------- flattening

class Quotes:
    __slots__ = ("outer_open", "outer_close", "inner_open", "inner_close", "in_quote")

    def __init__(self, oo="\u201c", oc="\u201d", io="\u2018", ic="\u2019", in_quote=False):
        self.outer_open, self.outer_close, self.inner_open, self.inner_close = oo, oc, io, ic
        self.in_quote = in_quote


def flatten(x, quotes: Quotes) -> list:
    """Token stream: str | ("push", key, value) | ("pop",) | ("q", open_char) |
    ("cq", close_char) | ("div", cls) | ("/div",)."""
    out: list = []
    state = {k: None for k in FORMAT_KEYS}
    _flat(x, out, state, None, quotes)
    _fix_punctuation(out, quotes.in_quote)
    return out


_DEFAULT_STATE = {"font-style": "normal", "font-variant": "normal", "font-weight": "normal",
                  "text-decoration": "none", "vertical-align": "baseline"}


SUPERSCRIPTS = {"\u00aa": "a", "\u00ba": "o", "\u02b3": "r", "\u1d49": "e", "\u02e2": "s",
                "\u1d57": "t", "\u02b0": "h", "\u207f": "n", "\u1d48": "d", "\u00b9": "1",
                "\u00b2": "2", "\u00b3": "3", "\u1d52": "o", "\u1d43": "a", "\u02e1": "l",
                "\u1d50": "m", "\u02b2": "j", "\u02b7": "w", "\u02b8": "y", "\u1d9c": "c"}
_SUP_RE = re.compile("[" + "".join(SUPERSCRIPTS) + "]")


def _flat(x, out, state, qlevel, quotes):
    if isinstance(x, str):
        if x:
            if _SUP_RE.search(x) and state.get("vertical-align") != "sup":
                pos = 0
                for m in _SUP_RE.finditer(x):
                    if m.start() > pos:
                        out.append(x[pos:m.start()])
                    out.append(("push", "vertical-align", "sup"))
                    out.append(SUPERSCRIPTS[m.group(0)])
                    out.append(("pop", "vertical-align"))
                    pos = m.end()
                if pos < len(x):
                    out.append(x[pos:])
            else:
                out.append(x)
        return
    if isinstance(x, list):
        for c in x:
            _flat(c, out, state, qlevel, quotes)
        return
    if x.display:
        out.append(("div", x.display))
    pushed = []
    if x.fmt:
        for k in FORMAT_KEYS:
            v = x.fmt.get(k)
            if v is None:
                continue
            cur = state[k] or _DEFAULT_STATE[k]
            if k == "font-style" and v == "italic" and cur == "italic":
                v = "normal"
            elif k == "font-weight" and v == "bold" and cur == "bold":
                v = "normal"
            elif k == "font-variant" and v == "small-caps" and cur == "small-caps":
                v = "normal"
            if v == cur:
                continue
            out.append(("push", k, v))
            pushed.append((k, state[k]))
            state[k] = v
    if x.quotes:
        kind = "inner" if qlevel == "outer" else "outer"
        if kind == "outer":
            o, c = quotes.outer_open, quotes.outer_close
        else:
            o, c = quotes.inner_open, quotes.inner_close
        out.append(("q", o))
        for ch in x.children:
            _flat(ch, out, state, kind, quotes)
        out.append(("cq", c, kind))
    else:
        for ch in x.children:
            _flat(ch, out, state, qlevel, quotes)
    for k, old in reversed(pushed):
        out.append(("pop", k))
        state[k] = old
    if x.display:
        out.append(("/div",))


_PUNCT = ".,;:!?"


def _prev_text_index(tokens, i):
    j = i - 1
    while j >= 0:
        t = tokens[j]
        if isinstance(t, str):
            return j
        if t[0] in ("push", "pop"):
            j -= 1
            continue
        return None
    return None


def _fix_punctuation(tokens, in_quote: bool) -> None:
    """Merge duplicate punctuation across span boundaries and move punctuation into quotes."""
    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        if isinstance(t, str) and t and t[0] == " ":
            j = _prev_text_index(tokens, i)
            if j is not None and tokens[j].endswith(" "):
                t = t.lstrip(" ")
                tokens[i] = t
        if isinstance(t, str) and t and t[0] in _PUNCT:
            j = _prev_text_index(tokens, i)
            if j is not None:
                prev = tokens[j]
                if prev and prev[-1] in _PUNCT:
                    a, b = prev[-1], t[0]
                    drop = False
                    if a == b and a in ".,;:":
                        drop = True
                    elif a in "!?" and b == ".":
                        drop = True
                    elif a == "." and b in ",;:" and False:
                        drop = True
                    if drop:
                        t = t[1:]
                        tokens[i] = t
            # punctuation after a closing quote
            if in_quote and t and t[0] in ".,":
                k = i - 1
                while k >= 0 and not isinstance(tokens[k], str) and tokens[k][0] == "pop":
                    k -= 1
                if k >= 0 and not isinstance(tokens[k], str) and tokens[k][0] == "cq" and tokens[k][2] == "outer":
                    # find text inside the quote
                    m = k - 1
                    while m >= 0 and not isinstance(tokens[m], str) and tokens[m][0] in ("pop", "cq"):
                        m -= 1
                    inner = tokens[m] if m >= 0 and isinstance(tokens[m], str) else ""
                    p = t[0]
                    if inner and inner[-1] in _PUNCT:
                        if not (inner[-1] in "!?" and p == ".") and inner[-1] != p:
                            if inner[-1] in ".!?" and p == ",":
                                pass
                            if inner[-1] in ".!?" and p == ".":
                                pass
                            else:
                                tokens[m] = inner + p
                        t = t[1:]
                    elif m >= 0 and isinstance(tokens[m], str):
                        tokens[m] = inner + p
                        t = t[1:]
                    else:
                        tokens.insert(k, p)
                        i += 1
                        n += 1
                        t = t[1:]
                    tokens[i] = t
        i += 1
