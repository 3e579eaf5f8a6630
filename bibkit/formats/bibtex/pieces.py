"""Reading a large .bib on several cores: cut it at block starts, read the pieces, join them.

Why: bibtexparser's splitter is pure Python and, with our value evaluation and name parsing, a
100k-entry file takes about 16 s on one core: the larger part of a 100k-against-100k merge
(``benchmarks/bench_merge.py``). The pieces are read in worker processes (threads would share
one interpreter lock) and the canonical blocks come back pickled.

The joined result is the serial result, by construction, not by approximation:

* Cuts are made only before an ``@type{`` that starts a line. bibtexparser (2.x) ends whatever
  block is open at such a mark, so no block of the serial parse spans a cut. The one exception,
  a block still open at the cut, is a failed block in both readings, but its text differs; a
  piece that ends in a failed block sends the whole file back to the serial reader.
* A piece's meaning depends on the pieces before it in two ways only: ``@string`` macros, and
  keys already used (bibtexparser flags the later of two blocks with one key, which we report).
  So reading is two rounds. Round one: every piece is split, and reports its keys and its
  ``@string`` expressions. The parent then computes, in file order, what each piece needs: the
  macros defined before it and the keys used before it. Round two: every piece is converted with
  that context; a block whose key an earlier piece used becomes the same duplicate block
  bibtexparser would have made in one pass.
* Problems keep their order: pieces are joined in file order, and the whole-library checks
  (keys, crossrefs) run once, after the join, as in a serial read.
* Block spans (``Entry.span``, offsets of each block's text) are found in the piece's own text
  and shifted by the piece's start, so they are offsets into the whole text, as serially.

``tests/test_bibtex_pieces.py`` compares the two readings on every corpus and messy file cut
into small pieces.
"""
from __future__ import annotations

import multiprocessing
import pickle
import re
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bibtexparser import model as bp

from bibkit.formats.bibtex.blocks import parse_blocks
from bibkit.formats.bibtex.reader import BlockReader
from bibkit.formats.bibtex.values import ValueError_, evaluate
from bibkit.parallel import fork_is_safe, job_count

if TYPE_CHECKING:  # pragma: no cover
    from bibkit.model import Block, Problem

#: below this many characters (about 8,000 entries) a second process costs more than it saves
MIN_CHARS = 4_000_000
#: the parent's own piece is this much larger than a worker's, because a worker also pickles its
#: result (and the parent unpickles it); on the 100k-entry benchmark file, 1.25 left the parent
#: waiting about 1.8 s for its worker and 1.6 left the worker waiting for the parent
PARENT_WEIGHT = 1.4

# the block start bibtexparser recognises (its _BLOCK_START), at the start of a line
_CUT = re.compile(r"\n(?=@\w*[ \t]*[{(])")


def worth_splitting(text: str, jobs: int | None) -> bool:
    return len(text) >= MIN_CHARS and job_count(jobs) > 1


def cut_points(text: str, pieces: int, parent_weight: float = PARENT_WEIGHT) -> list[int]:
    """Offsets where pieces start (the first is 0): before a line-start ``@type{`` near each
    share of the text. Fewer pieces come back when the text has too few block starts."""
    shares = [parent_weight] + [1.0] * (pieces - 1)
    total = sum(shares)
    cuts = [0]
    acc = 0.0
    for share in shares[:-1]:
        acc += share
        m = _CUT.search(text, max(int(len(text) * acc / total), cuts[-1] + 1))
        if m is None:
            break
        cuts.append(m.end())
    return cuts


# --------------------------------------------------------------------------- round one


@dataclass
class Split:
    """What a piece tells the parent after splitting: enough to give every piece its context."""

    keys: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, key, line0) registered
    strings: list[tuple[str, str, int]] = field(default_factory=list)  # (key, expression, line0)
    ends_clean: bool = True


def _split(text: str, offset: int) -> tuple[list[bp.Block], Split]:
    blocks = parse_blocks(text)
    info = Split()
    for block in blocks:
        inner = block.ignore_error_block if isinstance(block, bp.DuplicateBlockKeyBlock) else block
        if isinstance(inner, bp.String):
            info.strings.append((inner.key, inner.value, (inner.start_line or 0) + offset))
        # bibtexparser registers plain entries and strings only; a duplicate never registers
        if isinstance(block, (bp.Entry, bp.String)):
            kind = "entry" if isinstance(block, bp.Entry) else "string"
            info.keys.append((kind, block.key, (block.start_line or 0) + offset))
    info.ends_clean = ends_clean(blocks)
    return blocks, info


def ends_clean(blocks: list[bp.Block]) -> bool:
    """Whether the last block was read whole: a failed one may be a block still open at a cut."""
    last = blocks[-1] if blocks else None
    # duplicate-key and duplicate-field blocks are failed blocks by class, but whole entries
    return not isinstance(last, bp.ParsingFailedBlock) or isinstance(
        last, (bp.DuplicateBlockKeyBlock, bp.DuplicateFieldKeyBlock))


# --------------------------------------------------------------------------- round two


@dataclass
class Context:
    """What a piece needs from the pieces before it."""

    macros: dict[str, str]
    entry_keys: dict[str, int]  # key -> 0-based line of its first (registered) use
    string_keys: dict[str, int]


def _with_context(blocks: list[bp.Block], ctx: Context, offset: int) -> None:
    """Blocks whose key an earlier piece registered become duplicates of that first block (in place)."""
    for n, block in enumerate(blocks):
        inner = block.ignore_error_block if isinstance(block, bp.DuplicateBlockKeyBlock) else block
        if isinstance(block, (bp.Entry, bp.String, bp.DuplicateBlockKeyBlock)):
            seen = ctx.entry_keys if isinstance(inner, bp.Entry) else ctx.string_keys
            if inner.key in seen:
                line = seen[inner.key] - offset  # relative to this piece, like its own lines
                first = (bp.Entry("", inner.key, [], start_line=line) if isinstance(inner, bp.Entry)
                         else bp.String(inner.key, "", start_line=line))
                blocks[n] = bp.DuplicateBlockKeyBlock(inner.key, first, inner, inner.start_line, inner.raw)


def _convert(reader_options: dict, name: str, offset: int, blocks: list[bp.Block],
             ctx: Context | None, text: str, char_offset: int) -> tuple[list["Block"], list["Problem"]]:
    reader = BlockReader(name, line_offset=offset, char_offset=char_offset, **reader_options)
    if ctx is not None:
        reader.macros = dict(ctx.macros)
        _with_context(blocks, ctx, offset)
    # empties the list: the caller's parsed blocks are freed as they go; ``text`` gives the spans
    reader.convert(blocks, text)
    return reader.library.blocks, reader.library.problems


def _worker(conn, text: str, name: str, offset: int, char_offset: int, reader_options: dict) -> None:
    """A child: split its piece, report, wait for its context, convert, send the result."""
    import gc

    gc.disable()  # short-lived; and a collection would touch (and copy) the parent's pages
    try:
        blocks, info = _split(text, offset)
        conn.send(info)
        ctx = conn.recv()
        if ctx is None:
            return
        result = _convert(reader_options, name, offset, blocks, ctx, text, char_offset)
        conn.send_bytes(pickle.dumps(("ok", result), protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:  # reported to the parent, which then reads the file serially
        try:
            conn.send_bytes(pickle.dumps(("error", traceback.format_exc())))
        except Exception:
            pass
    finally:
        conn.close()


def _start_method() -> str:
    return "fork" if fork_is_safe() else "spawn"  # with fork the pieces' text is inherited, not sent


class PieceError(Exception):
    """A worker failed; the caller reads serially instead."""


def read_in_pieces(reader: "BlockReader", text: str, jobs: int | None = None,
                   cuts: list[int] | None = None) -> list[tuple[list, list]] | None:
    """The file's canonical blocks and problems, piece by piece, or None to read serially.

    ``cuts`` (piece starts) is for tests; by default the text is cut for ``jobs`` processes.
    """
    jobs = job_count(jobs if jobs is not None else reader.jobs)
    cuts = cuts if cuts is not None else cut_points(text, jobs)
    if len(cuts) < 2:
        return None
    bounds = list(zip(cuts, cuts[1:] + [len(text)]))
    offsets = [0]
    for start, end in bounds[:-1]:
        offsets.append(offsets[-1] + text.count("\n", start, end))
    offsets = [o + reader.line_offset for o in offsets]
    options = {"keep_raw": reader.keep_raw}
    ctx_mp = multiprocessing.get_context(_start_method())
    children = []
    try:
        for (start, end), offset in zip(bounds[1:], offsets[1:]):
            parent_end, child_end = ctx_mp.Pipe()
            proc = ctx_mp.Process(target=_worker, args=(child_end, text[start:end], reader.name, offset,
                                                        reader.char_offset + start, options), daemon=True)
            proc.start()
            child_end.close()
            children.append((proc, parent_end))
        first_text = text[bounds[0][0]:bounds[0][1]]
        first_blocks, first_info = _split(first_text, offsets[0])
        infos = [first_info] + [_receive_info(conn) for _, conn in children]
        if not all(info.ends_clean for info in infos[:-1]):
            return None
        contexts = _contexts(reader, infos)
        for (_, conn), ctx in zip(children, contexts[1:]):
            conn.send(ctx)
        results = [_convert(options, reader.name, offsets[0], first_blocks, contexts[0], first_text,
                            reader.char_offset)]
        for _, conn in children:
            status, payload = pickle.loads(conn.recv_bytes())
            if status != "ok":
                raise PieceError(payload)
            results.append(payload)
        return results
    except (PieceError, EOFError, OSError):
        return None
    finally:
        for proc, conn in children:
            try:
                conn.send(None)  # a child still waiting for its context stops
            except (OSError, ValueError):
                pass
            conn.close()
            proc.join(5)
            if proc.is_alive():  # pragma: no cover - a stuck child
                proc.kill()


def _receive_info(conn) -> Split:
    info = conn.recv()
    if not isinstance(info, Split):  # ("error", traceback): the child failed while splitting
        raise PieceError(info[1] if isinstance(info, tuple) else repr(info))
    return info


def _contexts(reader: "BlockReader", infos: list[Split]) -> list[Context]:
    """Each piece's context: the macros and keys of all the pieces before it, in file order."""
    macros = dict(reader.macros)
    entry_keys: dict[str, int] = {}
    string_keys: dict[str, int] = {}
    contexts = []
    for info in infos:
        contexts.append(Context(dict(macros), dict(entry_keys), dict(string_keys)))
        for key, expression, _ in info.strings:  # as BibTeXReader._block evaluates them
            try:
                value = evaluate(expression, macros)[0]
            except ValueError_:
                value = expression
            macros[key.lower()] = value
        for kind, key, line in info.keys:
            (entry_keys if kind == "entry" else string_keys).setdefault(key, line)
    return contexts
