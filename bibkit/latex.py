"""LaTeX in BibTeX values <-> Unicode :class:`~bibkit.model.Text` with marks.

Why our own small walker instead of only pylatexenc's ``latex2text``: BibTeX gives braces a
meaning plain LaTeX does not (a top-level ``{BERT}`` protects case), and a round trip must keep
what it cannot decode (``\\apj``, ``\\href{..}{..}``, math) byte for byte. So we walk the value
ourselves, decode accents and symbols from our tables, and fall back to pylatexenc for the long
tail of symbols. pylatexenc's ``unicode_to_latex`` is the fallback in the encoder too.

The common case (no backslash, brace, dollar, tilde or dash pair) never enters the walker:
that fast path is what keeps a whole-file conversion close to the bare parse time.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

from bibkit.model import Mark, Text

# --------------------------------------------------------------------------- tables

ACCENTS = {  # LaTeX accent command -> combining character
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304", "u": "\u0306",
    ".": "\u0307", '"': "\u0308", "r": "\u030a", "H": "\u030b", "v": "\u030c", "d": "\u0323",
    "c": "\u0327", "k": "\u0328", "b": "\u0331", "t": "\u0361",
}
COMBINING_TO_ACCENT = {v: k for k, v in ACCENTS.items()}

SYMBOLS = {  # argument-less commands
    "ss": "ß", "SS": "SS", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
    "textendash": "–", "textemdash": "—", "textquoteright": "’", "textquoteleft": "‘",
    "textquotedblleft": "“", "textquotedblright": "”", "ldots": "…", "dots": "…",
    "textellipsis": "…", "S": "§", "P": "¶", "copyright": "©", "textcopyright": "©",
    "textregistered": "®", "texttrademark": "™", "pounds": "£", "textsterling": "£",
    "euro": "€", "texteuro": "€", "textdegree": "°", "textasciitilde": "~",
    "textasciicircum": "^", "textbackslash": "\\", "textbar": "|", "textless": "<",
    "textgreater": ">", "textunderscore": "_", "guillemotleft": "«", "guillemotright": "»",
    "guilsinglleft": "‹", "guilsinglright": "›", "quad": " ", "qquad": " ",
    "textperiodcentered": "·", "textbullet": "•", "dag": "†", "ddag": "‡", "textdagger": "†",
    "textexclamdown": "¡", "textquestiondown": "¿", "LaTeX": "LaTeX", "TeX": "TeX",
    "textasteriskcentered": "*", "textmu": "µ", "textpm": "±", "texttimes": "×",
    "textnumero": "№", "textordfeminine": "ª", "textordmasculine": "º", "slash": "/",
    "textsection": "§", "textparagraph": "¶", "textonehalf": "½", "textcent": "¢",
    "textyen": "¥", "relax": "", "noindent": "", "par": " ", "newline": " ", "linebreak": " ",
    "allowbreak": "", "nobreak": "", "break": "", "hfill": " ", "unskip": "", "ignorespaces": "",
}
ESCAPES = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ",
           ",": "\u2009", "-": "", "/": "", "\\": " ", ";": " ", ":": " ", "!": "", "@": ""}

STYLE_COMMANDS = {  # \cmd{arg}
    "emph": "italic", "textit": "italic", "mkbibemph": "italic", "textsl": "italic",
    "textbf": "bold", "mkbibbold": "bold", "textsc": "smallcaps", "mkbibsc": "smallcaps",
    "textsuperscript": "sup", "mkbibsuperscript": "sup", "textsubscript": "sub",
    "mkbibsubscript": "sub",
}
TRANSPARENT_COMMANDS = {"textrm", "textsf", "texttt", "textup", "textmd", "textnormal", "mbox",
                        "hbox", "text", "textlatin", "protect", "NoCaseChange",
                        "nocase", "MakeUppercase", "uppercase", "lowercase", "MakeLowercase",
                        # T2A's font-encoding prefix (``\cyrchar\CYRA``): the letter command that
                        # follows carries the character, decoded from pylatexenc's table
                        "cyrchar"}
DECLARATIONS = {"em": "italic", "it": "italic", "itshape": "italic", "sl": "italic",
                "bf": "bold", "bfseries": "bold", "sc": "smallcaps", "scshape": "smallcaps",
                "rm": None, "sf": None, "tt": None, "normalfont": None, "upshape": None}

_SPECIAL = re.compile(r"[\\{}$~]|--|``|''")  # LaTeX to decode; whitespace alone is folded
_WS = re.compile(r"[ \t\r\n]+")  # ASCII whitespace only: a no-break space is text


# --------------------------------------------------------------------------- braces

_BRACE_TOKENS = re.compile(r"\\.|[{}]", re.S)


def braced_end(text: str, start: int) -> int:
    """Index just past the ``}`` matching the ``{`` at ``start``; -1 if unbalanced."""
    depth = 0
    for m in _BRACE_TOKENS.finditer(text, start):
        token = m.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                return m.end()
    return -1


def braces_balanced(value: str) -> bool:
    """True when every ``}`` closes an earlier ``{`` and none is left open (escapes skipped)."""
    depth = 0
    for m in _BRACE_TOKENS.finditer(value):
        token = m.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


# --------------------------------------------------------------------------- decoding


class _Decoder:
    """One pass over a LaTeX value; builds output text and marks. Never raises on bad input."""

    def __init__(self, src: str):
        self.src = src
        self.i = 0
        self.out: list[str] = []
        self.length = 0
        self.marks: list[Mark] = []
        self.stray_braces = 0
        self.opened: str | None = None  # set by command(): a ``\\cmd{`` group was just opened
        self.paragraphs = False  # keep blank lines (paragraph breaks) as "\n\n"

    def emit(self, text: str) -> None:
        if text:
            self.out.append(text)
            self.length += len(text)

    def mark(self, start: int, kind: str) -> None:
        if self.length > start:
            self.marks.append(Mark(start, self.length, kind))

    def run(self, depth: int, protect_top: bool, open_style: str | None = None) -> None:
        """Decode until the end of the value (or, with ``open_style``, until that group closes).

        Iterative, with an explicit stack of open groups: a value nested thousands of braces
        deep (generated or damaged files) must not hit Python's recursion limit and lose the
        entries after it. ``open_style``: the cursor is just inside the ``{`` of ``\\cmd{`` (a style or
        transparent command); stop after its closing brace.
        """
        src = self.src
        n = len(src)
        decl_stack: list[tuple[int, str]] = []
        # one frame per open group: (kind, outer depth, start, special, style, outer decl_stack)
        frames: list[tuple[str, int, int, bool, str, list]] = []
        if open_style is not None:
            frames.append(("style", depth, self.length, False, open_style, decl_stack))
            decl_stack = []
            depth += 1
        while True:
            if self.i >= n or (src[self.i] == "}" and depth > 0):
                if not frames:
                    break  # the end (or the closing brace of the caller's group)
                for start, kind in decl_stack:  # declarations end with their group
                    self.mark(start, kind)
                kind, depth, start, special, style, decl_stack = frames.pop()
                self.i += 1  # the closing brace (or past the end)
                if kind == "style":
                    if style in STYLE_COMMANDS:
                        self.mark(start, STYLE_COMMANDS[style])
                    if open_style is not None and not frames:
                        return
                elif special and self.marks and self.marks[-1].kind == "raw" \
                        and self.marks[-1].start == start and self.marks[-1].end == self.length:
                    # {\noopsort{a}}: the braces around verbatim LaTeX matter to BibTeX; keep them
                    self.marks.pop()
                    self.out[-1] = "{" + self.out[-1] + "}"
                    self.length += 2
                    self.marks.append(Mark(start, self.length, "raw"))
                elif depth == 0 and protect_top and not special:
                    self.mark(start, "nocase")
                continue
            ch = src[self.i]
            if ch == "}":  # depth 0: a brace that closes nothing
                self.stray_braces += 1
                self.i += 1
                continue
            if ch == "{":
                self.i += 1
                special = self.i < n and src[self.i] == "\\"
                frames.append(("group", depth, self.length, special, "", decl_stack))
                decl_stack = []
                depth += 1
                continue
            if ch == "$":
                self.math()
                continue
            if ch == "\\" and src.startswith(("\\(", "\\["), self.i):
                self.math()
                continue
            if ch == "\\":
                kind = self.command(depth, protect_top)
                if self.opened is not None:  # \emph{ ... : decoded as a group of its own
                    frames.append(("style", depth, self.length, False, self.opened, decl_stack))
                    self.opened = None
                    decl_stack = []
                    depth += 1
                elif kind:
                    decl_stack.append((self.length, kind))
                continue
            if ch in " \t\r\n":
                j = self.i
                while j < n and src[j] in " \t\r\n":
                    j += 1
                if self.paragraphs and src.count("\n", self.i, j) >= 2:
                    self.emit("\n\n")
                elif not (self.out and self.out[-1][-1:] == " "):  # "\ " or "{ A }": one space
                    self.emit(" ")
                self.i = j
                continue
            if ch == "~":
                self.emit("\u00a0")
                self.i += 1
                continue
            if ch == "-" and src.startswith("--", self.i):
                if src.startswith("---", self.i):
                    self.emit("—")
                    self.i += 3
                else:
                    self.emit("–")
                    self.i += 2
                continue
            if ch in "`'" and self.i + 1 < n and src[self.i + 1] == ch:
                self.emit("“" if ch == "`" else "”")
                self.i += 2
                continue
            j = self.i + 1
            while j < n and src[j] not in "{}$\\ \t\r\n~-`'":
                j += 1
            self.emit(src[self.i : j])
            self.i = j
        for start, kind in decl_stack:
            self.mark(start, kind)

    def math(self) -> None:
        """``$..$``, ``$$..$$``, ``\\(..\\)``, ``\\[..\\]``: kept verbatim, marked as math."""
        src = self.src
        if src.startswith(("\\(", "\\["), self.i):
            opener, closer = src[self.i : self.i + 2], "\\)" if src[self.i + 1] == "(" else "\\]"
        else:
            opener = closer = "$$" if src.startswith("$$", self.i) else "$"
        end = src.find(closer, self.i + len(opener))
        while end != -1 and closer.startswith("$") and src[end - 1] == "\\":
            end = src.find(closer, end + 1)
        if end == -1:  # unterminated: keep the rest verbatim
            end = len(src) - len(closer)
        chunk = _decode_math_chars(src[self.i : end + len(closer)])
        start = self.length
        self.emit(chunk)
        self.mark(start, "math")
        self.i = end + len(closer)

    def read_name(self) -> str:
        src = self.src
        j = self.i + 1
        if j < len(src) and src[j].isalpha():
            k = j
            while k < len(src) and src[k].isalpha():
                k += 1
            name = src[j:k]
        else:
            name = src[j : j + 1]
        return name

    def skip_spaces(self) -> None:
        while self.i < len(self.src) and self.src[self.i] in " \t\r\n":
            self.i += 1

    def read_group(self) -> str | None:
        """The raw text of a ``{...}`` group at the cursor (cursor moved past it), else None."""
        src = self.src
        if self.i >= len(src) or src[self.i] != "{":
            return None
        end = braced_end(src, self.i)
        if end < 0:  # unbalanced: the rest of the value is the group
            end = len(src) + 1
        text = src[self.i + 1 : end - 1]
        self.i = min(end, len(src))
        return text

    def command(self, depth: int, protect_top: bool) -> str | None:
        """Decode the command at the cursor; return a declaration kind (``\\em``) if any."""
        src = self.src
        start_i = self.i
        name = self.read_name()
        self.i += 1 + len(name)
        if not name:
            return None
        if name in ESCAPES and not name.isalpha():
            self.emit(ESCAPES[name])
            return None
        if name in ACCENTS:
            if name.isalpha():
                self.skip_spaces()
            if self.i >= len(src) or src[self.i] == "}":  # an accent with nothing to put it on
                start = self.length
                self.emit(src[start_i : self.i])
                self.mark(start, "raw")
                return None
            arg = self.read_group()
            if arg is None:
                if self.i < len(src) and src[self.i] == "\\":
                    sub = _Decoder(src)
                    sub.i = self.i
                    sub.command(depth + 1, False)
                    if sub.opened is not None:  # \'\textbf{x}: decode that group too
                        opened, sub.opened = sub.opened, None
                        sub.run(depth + 1, False, opened)
                    arg = "".join(sub.out)
                    self.i = sub.i
                else:
                    arg = src[self.i : self.i + 1]
                    self.i += 1
            else:
                arg = decode_plain(arg)
            self.emit(_apply_accent(arg, ACCENTS[name]))
            return None
        if name in SYMBOLS:
            self._eat_control_word_space(name)
            self.emit(SYMBOLS[name])
            return None
        if name == "ensuremath":
            save = self.i
            arg = self.read_group()
            found = _reverse_lookup(src[start_i:self.i]) if arg is not None else None
            if found is not None:
                self.emit(found)
                return None
            if arg is not None:  # math we cannot decode: keep it whole, wrapper included
                start = self.length
                self.emit(src[start_i:self.i])
                self.mark(start, "math")
                return None
            self.i = save
        if name in STYLE_COMMANDS or name in TRANSPARENT_COMMANDS:
            self.skip_spaces()
            if self.i < len(src) and src[self.i] == "{":
                self.i += 1
                self.opened = name  # the caller's loop decodes the group (no recursion)
            return None
        if name in DECLARATIONS:
            self._eat_control_word_space(name)
            return DECLARATIONS[name]
        # Unknown: keep the command and its brace arguments verbatim.
        j = self.i
        while True:
            k = j
            while k < len(src) and src[k] in " \t":
                k += 1
            if k < len(src) and src[k] == "{":
                self.i = k
                self.read_group()
                j = self.i
            else:
                break
        self.i = j
        raw = src[start_i : self.i]
        fallback = _reverse_lookup(raw)
        if fallback is None:
            fallback = _symbol_fallback(raw)
        if fallback is not None:
            if raw[-1].isalpha():  # a bare control word (\cyrk, \CYRA): TeX eats the space after it
                self.skip_spaces()
            self.emit(fallback)
            return None
        start = self.length
        self.emit(raw)
        self.mark(start, "raw")
        return None

    def _eat_control_word_space(self, name: str) -> None:
        src = self.src
        if name.isalpha():
            self.skip_spaces()
            if src.startswith("{}", self.i):
                self.i += 2


@lru_cache(maxsize=1)
def _pylatexenc_reverse() -> dict[str, str]:
    """LaTeX -> character, from pylatexenc's own encoding table, so what we encode decodes back."""
    from pylatexenc.latexencode import get_builtin_uni2latex_dict

    reverse: dict[str, str] = {}
    for code, tex in sorted(get_builtin_uni2latex_dict().items()):
        tex = tex.strip()
        if tex.startswith("\\") and tex not in reverse:
            reverse[tex] = chr(code)
        if tex.startswith("\\cyrchar\\"):  # the table spells some letters with T2A's prefix
            reverse.setdefault(tex[len("\\cyrchar"):], chr(code))
    return reverse


def _reverse_lookup(raw: str) -> str | None:
    raw = raw.strip()
    table = _pylatexenc_reverse()
    if raw in table:
        return table[raw]
    if raw.endswith("{}") and raw[:-2] in table:
        return table[raw[:-2]]
    return None


def _apply_accent(base: str, combining: str) -> str:
    if not base:
        return combining
    if base[0] == "ı":
        base = "i" + base[1:]
    elif base[0] == "ȷ":
        base = "j" + base[1:]
    return unicodedata.normalize("NFC", base[0] + combining + base[1:])


@lru_cache(maxsize=4096)
def _symbol_fallback(raw: str) -> str | None:
    """pylatexenc's decoding of an argument-less symbol command we do not list, or None."""
    if "{" in raw or len(raw) > 40:
        return None
    try:
        from pylatexenc.latex2text import LatexNodes2Text
    except ImportError:  # pragma: no cover - pylatexenc is a dependency
        return None
    result: list = []

    def convert() -> None:
        try:
            result.append(LatexNodes2Text().latex_to_text(raw).strip())
        except Exception:  # pylatexenc gives up on some commands (\verb without argument): keep raw
            pass

    # On its own thread: pylatexenc's walker leaves reference cycles holding the frames it ran
    # in, and each frame holds its caller's; on the reader's thread that chain reaches the frame
    # holding the whole file's text, kept alive until a full collection. Rare: results are cached.
    worker = threading.Thread(target=convert, name="bibkit-latex-fallback")
    worker.start()
    worker.join()
    if not result:
        return None
    out = result[0]
    if out and out != raw.lstrip("\\") and "\\" not in out:
        return out
    return None


def needs_decoding(value: str) -> bool:
    return _SPECIAL.search(value) is not None


def decode(value: str, protect: bool = True, paragraphs: bool = False) -> Text:
    """Decode a BibTeX field value (outer delimiters already removed) to marked Unicode text.

    ``protect``: top-level brace groups become ``nocase`` marks (titles); for other fields the
    braces only group. ``paragraphs``: a blank line stays a paragraph break ("\\n\\n") instead
    of one space (abstracts: the break is part of the text, and LaTeX reads it as ``\\par``).
    """
    if not needs_decoding(value):
        return Text(collapse_whitespace(value, paragraphs))
    dec = _Decoder(value)
    dec.paragraphs = paragraphs
    dec.run(0, protect)
    text = "".join(dec.out)
    # ASCII whitespace only, as collapse_whitespace: a leading no-break space (~) is text
    lead = len(text) - len(text.lstrip(" \t\r\n"))
    text_stripped = text.strip(" \t\r\n")
    marks = []
    for m in dec.marks:
        s, e = max(m.start - lead, 0), min(m.end - lead, len(text_stripped))
        if e > s:
            marks.append(Mark(s, e, m.kind))
    result = Text(text_stripped, marks)
    if dec.stray_braces:
        result.stray_braces = dec.stray_braces  # type: ignore[attr-defined]
    return result


def decode_plain(value: str) -> str:
    """Decode to plain Unicode without marks (names, keys, matching)."""
    if not needs_decoding(value):
        return collapse_whitespace(value)
    return str(decode(value, protect=False))


def count_stray_braces(text: Text) -> int:
    return getattr(text, "stray_braces", 0)


# --------------------------------------------------------------------------- encoding

_ENCODE_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "–": "--", "—": "---", "\u00a0": "~", "“": "``", "”": "''", "\u2009": r"{\,}",
    # typographic variants with no pdflatex text-mode glyph: their ASCII form (see README)
    "\u2010": "-", "\u2011": "-", "\u02bc": "'", "\u00ad": "",
}
_REVERSE_SYMBOLS = {v: k for k, v in SYMBOLS.items() if len(v) == 1 and not v.isascii()}
_NEEDS_ENCODING = re.compile(r"[\\{}&%$#_~^]|[^\x00-\x7f]")


@lru_cache(maxsize=8192)
def _encode_char(ch: str) -> str:
    """One character (or a base with combining marks) as LaTeX."""
    if ch in _REVERSE_SYMBOLS:
        return "{\\" + _REVERSE_SYMBOLS[ch] + "}"
    decomposed = unicodedata.normalize("NFD", ch)
    if len(decomposed) >= 2 and all(c in COMBINING_TO_ACCENT for c in decomposed[1:]):
        base = decomposed[0]
        if base in _REVERSE_SYMBOLS:
            base = "\\" + _REVERSE_SYMBOLS[base] + " "
        elif not base.isascii():
            return ch
        out = base
        for comb in decomposed[1:]:
            acc = COMBINING_TO_ACCENT[comb]
            out = f"\\{acc}{out}" if not acc.isalpha() else f"\\{acc}{{{out}}}"
        return "{" + out + "}"
    try:
        import logging
        logging.getLogger("pylatexenc").setLevel(logging.CRITICAL)
        from pylatexenc.latexencode import unicode_to_latex
        enc = unicode_to_latex(ch, non_ascii_only=True, replacement_latex_protection="braces-all")
    except Exception:  # pragma: no cover - defensive: keep the character
        enc = ch
    if not enc or enc == ch:
        return ch
    back = str(decode(enc))
    if back != ch and unicodedata.normalize("NFKC", back) != unicodedata.normalize("NFKC", ch):
        return ch  # no faithful LaTeX form: keep the character itself (UTF-8)
    return enc


def _math_char(ch: str) -> str:
    if ch.isascii():
        return ch
    enc = _encode_char(ch)
    return enc if enc.startswith("{\\ensuremath{") else ch


_ENSUREMATH = re.compile(r"\{\\ensuremath\{[^{}]*\}\}")


def _decode_math_chars(chunk: str) -> str:
    if "\\ensuremath" not in chunk:
        return chunk
    return _ENSUREMATH.sub(lambda m: _reverse_lookup(m.group(0)[1:-1]) or m.group(0), chunk)


_ENCODE_TOKEN = re.compile(r"[A-Za-z][\u0300-\u036f]+|[\\{}&%$#_~^]|[^\x00-\x7f][\u0300-\u036f]*")


def encode_plain(text: str, unicode: bool = False) -> str:
    """Escape plain text for a BibTeX value; non-ASCII to LaTeX unless ``unicode``."""
    if not _NEEDS_ENCODING.search(text):
        return text
    if not unicode:
        text = unicodedata.normalize("NFC", text)

    def token(m: re.Match) -> str:
        tok = m.group()
        if tok in _ENCODE_ESCAPES:
            return _ENCODE_ESCAPES[tok]
        if unicode:
            return tok
        return _encode_char(tok)

    return _ENCODE_TOKEN.sub(token, text)


_OPEN = {"nocase": "{", "italic": "\\emph{", "bold": "\\textbf{", "smallcaps": "\\textsc{",
         "sup": "\\textsuperscript{", "sub": "\\textsubscript{"}


def encode(text: str, unicode: bool = False) -> str:
    """Encode Unicode text (with marks when it is a :class:`Text`) as a BibTeX value body."""
    marks = getattr(text, "marks", ())
    if not marks:
        return encode_plain(str(text), unicode)
    s = str(text)
    out: list[str] = []
    pos = 0
    stack: list[Mark] = []
    opened_at: list[int] = []  # index in ``out`` of each open mark's opening text
    # at equal spans the case protection goes outside: "\textsubscript{{x}}" would not protect
    events = sorted(marks, key=lambda m: (m.start, -m.end, m.kind != "nocase"))
    idx = 0

    def flush(upto: int) -> None:
        nonlocal pos
        if upto > pos:
            out.append(encode_plain(s[pos:upto], unicode))
            pos = upto

    while idx < len(events) or stack:
        next_start = events[idx].start if idx < len(events) else None
        next_end = stack[-1].end if stack else None
        if next_end is not None and (next_start is None or next_end <= next_start):
            flush(next_end)
            closing = stack.pop()
            at = opened_at.pop()
            if closing.kind == "nocase" and at + 1 < len(out) and out[at + 1].startswith("\\"):
                # "{\\cmd..." is a BibTeX special character, not a protected group: "{{\\cmd...}}"
                out[at] = "{{"
                out.append("}}")
            else:
                out.append("}")
            continue
        mark = events[idx]
        idx += 1
        if stack and mark.end > stack[-1].end:  # overlapping marks: clip to stay balanced
            mark = Mark(mark.start, stack[-1].end, mark.kind)
        if mark.start < pos:
            continue
        flush(mark.start)
        if mark.kind in ("math", "raw"):
            span = s[mark.start : mark.end]
            if mark.kind == "math" and not unicode and not span.isascii():
                # "$γ-$MoD" from a listing: pdflatex has no Unicode in math; \ensuremath forms do
                # (only \ensuremath forms: the decoder turns exactly those back into characters)
                span = "".join(_math_char(c) for c in span)
            out.append(span)
            pos = mark.end
            # skip marks nested inside verbatim spans
            while idx < len(events) and events[idx].start < mark.end:
                idx += 1
            continue
        opened_at.append(len(out))
        out.append(_OPEN.get(mark.kind, "{"))
        stack.append(mark)
    flush(len(s))
    return "".join(out)


def collapse_whitespace(value: str, paragraphs: bool = False) -> str:
    """Runs of whitespace (line breaks included) become one space, as BibTeX reads them.

    ``paragraphs``: a run holding a blank line becomes one paragraph break ("\\n\\n").
    """
    if "  " in value or "\n" in value or "\t" in value or "\r" in value:
        if paragraphs and "\n" in value:
            return _WS.sub(_space_or_break, value).strip(" \t\r\n")
        return _WS.sub(" ", value).strip(" \t\r\n")
    return value.strip(" \t\r\n")


def _space_or_break(run: re.Match) -> str:
    return "\n\n" if run.group().count("\n") >= 2 else " "
