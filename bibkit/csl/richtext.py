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

FORMAT_KEYS = ("font-weight", "font-style", "font-variant", "text-decoration", "vertical-align")


class Rich:
    __slots__ = ("children", "fmt", "quotes", "nocase", "display", "tag")

    def __init__(self, children=None, fmt=None, quotes=False, nocase=False, display=None, tag=None):
        self.children: list = children if children is not None else []
        self.fmt: Optional[dict] = fmt
        #: True: the style's quotes; 2: straight quotes typed in the data; "\u201c"/"\u2018":
        #: curly quotes typed in the data; 3 (or "\u201c3"/"\u20183"): quotes typed in a cite
        #: affix, which punctuation never moves into
        self.quotes: Union[bool, int, str] = quotes
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
    out: list = []
    _plain_into(x, out)
    return "".join(out)


def _plain_into(x, out) -> None:
    cls = x.__class__
    if cls is str:
        out.append(x)
        return
    for c in (x if cls is list else x.children):
        if c.__class__ is str:
            out.append(c)
        else:
            _plain_into(c, out)


def find_tag(x, tag: str):
    """The first rich text tagged ``tag`` (names, year-suffix, citation-number...) in ``x``."""
    if isinstance(x, list):
        for c in x:
            r = find_tag(c, tag)
            if r is not None:
                return r
        return None
    if isinstance(x, Rich):
        if x.tag == tag:
            return x
        for c in x.children:
            r = find_tag(c, tag)
            if r is not None:
                return r
    return None


def iter_tag(x, tag: str):
    """Every outermost rich text tagged ``tag`` in ``x``, in order."""
    if isinstance(x, Rich):
        if x.tag == tag:
            yield x
            return
        for c in x.children:
            yield from iter_tag(c, tag)


def is_empty(x) -> bool:
    if x is None:
        return True
    cls = x.__class__
    if cls is str:
        return not x
    children = x if cls is list else x.children
    for c in children:
        if c.__class__ is str:
            if c:
                return False
        elif not is_empty(c):
            return False
    return True


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
    r'<span\s+style="font-variant:\s*small-caps;?">|<span\s+class="nocase">|<span\s+class="nodecor">|</span>|'
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
        t = _narrow_spaces(s)
        r = (False if t == s else [t]) if not _TAG.search(t) else _parse_markup(t)
        if len(_markup_cache) < 100000:
            _markup_cache[s] = r
    if r is False:
        return [s]
    return _copy(r)


_SPACE_BEFORE_PUNCT = re.compile(r" ([:;?!\u00bb])")


def _narrow_spaces(s: str) -> str:
    """A space before ":;?!»" or after "«" becomes a narrow no-break space, so the mark
    never starts a line; citeproc-js does this to every string it prints (French
    orthography, test-suite punctuation_FrenchOrthography)."""
    if " " not in s:
        return s
    return _SPACE_BEFORE_PUNCT.sub("\u202f\\1", s).replace("\u00ab ", "\u00ab\u202f")


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
            node = Rich(fmt={k: v}, nocase=k in ("vertical-align", "font-variant"))
            stack[-1][1].children.append(node)
            stack.append((m, node))
        elif m.startswith("<span"):
            if "nocase" in m:
                node = Rich(nocase=True)
            elif "nodecor" in m:
                node = Rich(fmt={"nodecor": True}, nocase=True)
            else:
                node = Rich(fmt={"font-variant": "small-caps"}, nocase=True)
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
                if _open_in_stack(stack, '"') and (not after or not after.isalnum()) and before and not before.isspace():
                    _close_to(stack, '"', after)
                elif (not before or not before.isalnum()) and after and not after.isspace():
                    node = Rich(quotes=2)
                    stack[-1][1].children.append(node)
                    stack.append(('"', node))
                else:
                    stack[-1][1].children.append(m)
            elif m in ("'", "\u2019"):
                if (before and before.isalnum() and after and after.isalnum()) or \
                        (not _open_in_stack(stack, "'") and after in ("'", "\u2019")):
                    stack[-1][1].children.append("\u2019")  # a run of them: apostrophes
                elif _open_in_stack(stack, "'") and (not after or not after.isalnum()):
                    _close_to(stack, "'", after)
                elif (not before or not before.isalnum()) and after and not after.isspace() and m == "'":
                    node = Rich(quotes=2)
                    stack[-1][1].children.append(node)
                    stack.append(("'", node))
                else:
                    stack[-1][1].children.append("\u2019")
            elif m == "\u2018":
                node = Rich(quotes="\u2018")
                stack[-1][1].children.append(node)
                stack.append(("'", node))
            elif m == "\u201c":
                node = Rich(quotes="\u201c")
                stack[-1][1].children.append(node)
                stack.append(('"', node))
            elif m == "\u201d":
                if _open_in_stack(stack, '"'):
                    _close_to(stack, '"', after)
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


def _close_to(stack, op, after: str = "") -> None:
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


def _superscripts() -> dict:
    import unicodedata
    table = {}
    for cp in range(0xA0, 0x10000):
        c = chr(cp)
        d = unicodedata.decomposition(c)
        if d.startswith("<super>"):
            try:
                table[c] = "".join(chr(int(h, 16)) for h in d.split()[1:])
            except ValueError:
                continue
    # modifier letters without a <super> decomposition that citeproc-js also raises
    # (test-suite magic_SuperscriptChars)
    table.update({"\u02c0": "\u0294", "\u02c1": "\u0295", "\u06e5": "\u0648", "\u06e6": "\u064a"})
    return table


SUPERSCRIPTS = _superscripts()
_SUP_RE = re.compile("[" + "".join(re.escape(c) for c in SUPERSCRIPTS) + "]")


def _flat(x, out, state, qlevel, quotes):
    cls = x.__class__
    if cls is str:
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
    if cls is list:
        for c in x:
            _flat(c, out, state, qlevel, quotes)
        return
    if x.tag.__class__ is tuple:
        # a variable marker of the tagging backend (bibkit.csl.tagging): push/pop tokens, which
        # punctuation fixing already steps over, and which the other backends render as nothing
        out.append(("push", "var", x.tag[1]))
        for c in x.children:
            _flat(c, out, state, qlevel, quotes)
        out.append(("pop", "var"))
        return
    if x.tag == "url" and x.fmt is None and not x.quotes and not x.display:
        out.append(("push", "url", "link"))  # a backend may mark the link (LaTeX's \url)
        for c in x.children:
            _flat(c, out, state, qlevel, quotes)
        out.append(("pop", "url"))
        return
    if x.fmt is None and not x.quotes and not x.display:
        for c in x.children:
            if c.__class__ is str:
                if c:
                    if _SUP_RE.search(c):
                        _flat(c, out, state, qlevel, quotes)
                    else:
                        out.append(c)
            else:
                _flat(c, out, state, qlevel, quotes)
        return
    if x.display:
        if is_empty(x):
            return
        out.append(("div", x.display))
    pushed = []
    if x.fmt and x.fmt.get("nodecor"):
        for k in FORMAT_KEYS:
            cur = state[k]
            if cur is not None and cur != _DEFAULT_STATE[k]:
                v = _DEFAULT_STATE[k]
                out.append(("push", k, v))
                pushed.append((k, state[k]))
                state[k] = v
    elif x.fmt:
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
        shape = x.quotes[0] if isinstance(x.quotes, str) else None
        if qlevel is None and shape is not None:
            # curly quotes typed in the data and not inside other quotes keep their own
            # shape, as in citeproc-js (“x” stays “x” under en-GB); nested ones alternate
            kind = "inner" if shape == quotes.inner_open else "outer"
        else:
            kind = "inner" if qlevel == "outer" else "outer"
        if kind == "outer":
            o, c = quotes.outer_open, quotes.outer_close
        else:
            o, c = quotes.inner_open, quotes.inner_close
        out.append(("q", o))
        for ch in x.children:
            _flat(ch, out, state, kind, quotes)
        fixed = x.quotes == 3 or (shape is not None and x.quotes.endswith("3"))
        # punctuation moves into top-level quotes whatever their shape
        # the fourth field: quotes typed in the data (their own closing punctuation is text)
        out.append(("cq", c, "fixed" if fixed else ("outer" if qlevel is None else kind),
                    x.quotes is not True))
    else:
        for ch in x.children:
            _flat(ch, out, state, qlevel, quotes)
    for k, old in reversed(pushed):
        out.append(("pop", k))
        state[k] = old
    if x.display:
        out.append(("/div",))


_PUNCT = ".,;:!?"


def _prev_text_index(tokens, i, cross_quotes=True, cross_typed=True):
    j = i - 1
    while j >= 0:
        t = tokens[j]
        if isinstance(t, str):
            if t:
                return j
            j -= 1
            continue
        if t[0] in ("push", "pop") or (cross_quotes and t[0] == "cq" and (cross_typed or not t[3])):
            j -= 1
            continue
        return None
    return None


def _merge(a: str, b: str):
    """Result of punctuation a followed by b: (new_a, keep_b)."""
    if a == b:
        return a, False
    if b in ".:" and a in ";!?:":
        return a, False
    if b in "!?" and a in ":;":
        return b, False
    return a, True


_MOVE_IN = ".,!?"


def _move_into_quote(tokens, i) -> int:
    """Move leading . , ! ? of tokens[i] inside an immediately preceding closing quote.
    Returns the number of tokens inserted before i."""
    t = tokens[i]
    if not t or t[0] not in _MOVE_IN:
        return 0
    k = i - 1
    while k >= 0 and (tokens[k] == "" or (not isinstance(tokens[k], str) and tokens[k][0] == "pop")):
        k -= 1
    if k < 0 or isinstance(tokens[k], str) or tokens[k][0] != "cq" or tokens[k][2] != "outer":
        return 0
    m = 0
    while m < len(t) and t[m] in _MOVE_IN:
        m += 1
    moving = t[:m]
    j = _prev_text_index(tokens, k, cross_quotes=True)
    inner = tokens[j] if j is not None else ""
    for ch in moving:
        if inner and inner[-1] in _PUNCT:
            if inner[-1] == ch or (ch == "." and inner[-1] in "!?"):
                continue
        inner += ch
    tokens[i] = t[m:]
    if j is not None:
        tokens[j] = inner
        return 0
    tokens.insert(k, inner)
    return 1


def _fix_punctuation(tokens, in_quote: bool) -> None:
    """Merge punctuation across span boundaries, collapse doubled spaces, and move
    punctuation into closing quotes when the locale asks for it."""
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if not isinstance(t, str) or not t:
            i += 1
            continue
        if t[0] == " ":
            j = _prev_text_index(tokens, i)
            if j is not None and tokens[j].endswith(" "):
                t = t.lstrip(" ")
                tokens[i] = t
        while t and t[0] in _PUNCT:
            # a colon or semicolon after quotes typed in the data is the title's own text:
            # “Why Should I Trust You?”: Explaining ... keeps both marks (citeproc-js)
            j = _prev_text_index(tokens, i, cross_typed=t[0] not in ":;")
            if j is None:
                break
            prev = tokens[j]
            a = prev[-1]
            if a not in _PUNCT:
                break
            new_a, keep = _merge(a, t[0])
            if keep:
                break
            tokens[j] = prev[:-1] + new_a
            t = t[1:]
            tokens[i] = t
            if in_quote and new_a != a and len(tokens[j]) == 1:
                i += _move_into_quote(tokens, j)
                t = tokens[i]
        if in_quote and t:
            i += _move_into_quote(tokens, i)
        i += 1
