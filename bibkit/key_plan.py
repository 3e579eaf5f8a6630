"""The keys :func:`bibkit.keys.assign_keys` would give, planned from a compact record per entry.

Why: ``convert`` gives every entry without a key one from the default pattern, unique over
every input, and where two entries' base keys collide their content order decides which gets
the bare key and which a suffix. A conversion that streams its input never holds every entry,
so it reads the input twice: first to note, per entry without a key, its base key (held) and
its content order (written to a scratch file, read back only for a base that more than one
entry shares), and the keys already taken; then, after :meth:`KeyPlan.settle` has run the very
same assignment (:func:`bibkit.keys.unique_keys`), to convert. A few hundred bytes an entry
stay in memory: the base key and the place of its content order.
"""
from __future__ import annotations

import pickle
from array import array
from typing import Iterable

from bibkit.io import scratch_file
from bibkit.keys import content_order, generate_key, unique_keys
from bibkit.model import Entry


def survey(entries: Iterable[Entry]) -> tuple[list[str], list[tuple[str, bytes]]]:
    """What the plan needs of a batch: the keys it holds (lower-cased), and for each entry
    without a key its base key and pickled content order (run where the batch was read)."""
    taken, keyless = [], []
    for entry in entries:
        if entry.key:
            taken.append(entry.key.lower())
        else:
            keyless.append((generate_key(entry), pickle.dumps(content_order(entry), pickle.HIGHEST_PROTOCOL)))
    return taken, keyless


class KeyPlan:
    """Keyless entries numbered in input order (0, 1, ...): the key each gets.

    Use: :meth:`add` each batch's :func:`survey` in input order, :meth:`settle`, then
    :meth:`batch_keys` for each batch: the keys that are not their entry's base key (which the
    batch's reader recomputes).
    """

    def __init__(self):
        self.taken: set[str] = set()
        #: lower-cased base -> its one entry's number, or a list of them in input order
        self.groups: dict[str, int | list[int]] = {}
        self.spelled: dict[int, str] = {}  # a base not all lower case, by entry number
        self.where = array("q")  # each keyless entry's content order: offset in the scratch file
        self.scratch = scratch_file()
        self.keys: dict[int, str] = {}  # entry number -> key, where it is not the base

    def add(self, taken: list[str], keyless: list[tuple[str, bytes]]) -> None:
        self.taken.update(taken)
        for base, order in keyless:
            number = len(self.where)
            self.where.append(self.scratch.tell())
            self.scratch.write(order)
            lower = base.lower()
            if base != lower:
                self.spelled[number] = base
            group = self.groups.get(lower)
            if group is None:
                self.groups[lower] = number
            elif isinstance(group, int):
                self.groups[lower] = [group, number]
            else:
                group.append(number)

    def settle(self) -> None:
        """Assign the keys, as the whole-file conversion would; then drop what was only for that."""
        self.where.append(self.scratch.tell())

        def in_order(lower: str, group: int | list[int]) -> tuple[list[tuple[int, str]], str]:
            members = [group] if isinstance(group, int) else sorted(group, key=self._content_order)
            bases = [(number, self.spelled.get(number, lower)) for number in members]
            return bases, bases[0][1]

        for (number, base), key in unique_keys(self.groups, self.taken, in_order):
            if key != base:
                self.keys[number] = key
        self.close()
        self.groups, self.spelled, self.taken, self.where = {}, {}, set(), array("q")

    def batch_keys(self, first: int, count: int) -> dict[int, str]:
        """The keys of keyless entries ``first`` to ``first + count - 1`` that are not their base
        key, by their place among them (0 for ``first``): what one batch needs to be told."""
        keys = self.keys
        return {number - first: keys[number] for number in range(first, first + count) if number in keys}

    def close(self) -> None:
        self.scratch.close()

    def _content_order(self, number: int) -> tuple:
        self.scratch.seek(self.where[number])
        return pickle.loads(self.scratch.read(self.where[number + 1] - self.where[number]))
