"""Settings chosen once per project: ``[tool.bibkit]`` in pyproject.toml, or a ``.bibkit.toml``.

The nearest file wins, searched from the working directory upward and not past the project's
root (the first folder holding ``.git``); in one folder ``.bibkit.toml`` comes before
pyproject.toml. ``BIBKIT_CONFIG=PATH`` names a file instead, ``BIBKIT_CONFIG=none`` turns
configuration off. A setting is any long option of a command, spelt with ``-`` or ``_``::

    [tool.bibkit]            # for every command that has the option
    pattern = "[auth:lower][year]"
    style = "ieee"

    [tool.bibkit.tidy]       # for one command
    sort = ["-year", "key"]
    align = 14

    [tool.bibkit.merge]
    strategy = "combine"

The settings become click's ``default_map`` of the main command group, so every command takes
them as its defaults and an option given on the command line still wins, with no code in the
commands. A mistake (bad TOML, an unknown setting, a value the option rejects) is reported as
``file:line: message`` with exit status 2 before any command runs.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ENV = "BIBKIT_CONFIG"
NAMES = (".bibkit.toml", "pyproject.toml")
_NOT_SETTABLE = {"help", "version"}


class ConfigError(click.ClickException):
    """A mistake in a config file: printed as ``file:line: message``, exit status 2."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:
        click.echo(self.message, err=True)


@dataclass
class Setting:
    """One value from a config file, with where it was written."""

    command: str | None  # None: the main group (e.g. jobs)
    name: str  # the parameter's name
    value: Any
    file: str
    line: int | None
    section: str  # "tool.bibkit.tidy", as written


@dataclass
class Config:
    path: Path | None = None
    settings: list[Setting] = field(default_factory=list)

    def default_map(self) -> dict:
        out: dict = {}
        for s in self.settings:
            if s.command is None:
                out[s.name] = s.value
            else:
                out.setdefault(s.command, {})[s.name] = s.value
        return out


def find(start: Path | None = None) -> Path | None:
    """The config file in effect for ``start`` (default: the working directory), if any."""
    named = os.environ.get(ENV)
    if named is not None:
        if named.strip().lower() in ("", "none", "off"):
            return None
        return Path(named)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / ".bibkit.toml"
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file() and re.search(r"^\s*\[\s*tool\s*\.\s*bibkit\b", _read(project), re.M):
            return project
        if (folder / ".git").exists():
            return None
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc})")


def load(group: click.Group, path: Path | None) -> Config:
    """Read and check ``path`` against the commands of ``group``; a mistake raises ConfigError."""
    if path is None:
        return Config()
    text = _read(path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = m.group(1) if m else max(text.count("\n"), 1)  # "(at end of document)"
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        raise ConfigError(f"{path}:{line}: {message}")
    if path.name == "pyproject.toml":
        table = doc.get("tool", {}).get("bibkit", {})
        prefix = ("tool", "bibkit")
    else:
        table, prefix = doc, ()
    config = Config(path)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}:{_locate(text, prefix[:-1], prefix[-1]) if prefix else 1}: [tool.bibkit] must be a table")
    ctx = click.Context(group)
    globals_: list[tuple[str, Any]] = []
    for key, value in table.items():
        if isinstance(value, dict):
            command = group.get_command(ctx, key)
            if command is None:
                raise ConfigError(f"{path}:{_locate_table(text, prefix + (key,))}: no command {key!r} "
                                  f"(commands: {', '.join(sorted(group.list_commands(ctx)))})")
            for name, item in value.items():
                param = _param(command, name)
                where = _locate(text, prefix + (key,), name)
                if param is None:
                    raise ConfigError(f"{path}:{where}: 'bibkit {key}' has no option {name!r}")
                config.settings.append(Setting(key, param.name, _convert(param, item, path, where, f"{key}.{name}"),
                                               str(path), where, ".".join(prefix + (key,))))
        else:
            globals_.append((key, value))
    for name, item in globals_:
        where = _locate(text, prefix, name)
        used = False
        own = _param(group, name)
        if own is not None:
            config.settings.append(Setting(None, own.name, _convert(own, item, path, where, name), str(path), where,
                                           ".".join(prefix)))
            used = True
        for cname in sorted(group.list_commands(ctx)):
            command = group.get_command(ctx, cname)
            param = _param(command, name)
            if param is None or any(s.command == cname and s.name == param.name for s in config.settings):
                continue
            config.settings.append(Setting(cname, param.name, _convert(param, item, path, where, name), str(path),
                                           where, ".".join(prefix)))
            used = True
        if not used:
            raise ConfigError(f"{path}:{where}: no command has an option {name!r}")
    return config


def _names(param: click.Parameter) -> set[str]:
    names = {param.name or ""}
    for opt in getattr(param, "opts", []) + getattr(param, "secondary_opts", []):
        if opt.startswith("--"):
            names.add(opt[2:].replace("-", "_"))
    return names


def _param(command: click.Command, name: str) -> click.Option | None:
    wanted = name.replace("-", "_")
    if wanted in _NOT_SETTABLE:
        return None
    for param in command.params:
        if isinstance(param, click.Option) and wanted in _names(param):
            return param
    return None


def _convert(param: click.Option, value: Any, path: Path, line: int | None, label: str) -> Any:
    """The value as the option would take it from the command line; a ConfigError if it cannot."""
    if isinstance(value, list) and not param.multiple:
        value = ",".join(str(v) for v in value)
    if param.multiple and not isinstance(value, list):
        value = [value]
    if param.is_flag and not param.is_bool_flag:
        # several flags sharing one name (--curly/--quotes): the value names the flag, or the
        # flag's own name is set to true (curly = true)
        if value is True and label.rsplit(".", 1)[-1].replace("-", "_") != param.name:
            return param.flag_value
        choices = [o.flag_value for o in _siblings(param)]
        if value not in choices:
            raise ConfigError(f"{path}:{line}: {label}: {value!r} is not one of {', '.join(map(repr, choices))}")
        return value
    try:
        if param.multiple:
            return [param.type.convert(v, param, None) for v in value]
        return param.type.convert(value, param, None)
    except click.BadParameter as exc:
        raise ConfigError(f"{path}:{line}: {label}: {exc.message}")


_SIBLINGS: dict[int, list[click.Option]] = {}


def _siblings(param: click.Option) -> list[click.Option]:
    return _SIBLINGS.get(id(param), [param])


def register_siblings(group: click.Group) -> None:
    """Remember which flag options share a name (``--curly``, ``--quotes``, ``--keep-delimiters``)."""
    ctx = click.Context(group)
    for cname in group.list_commands(ctx):
        command = group.get_command(ctx, cname)
        by_name: dict[str, list[click.Option]] = {}
        for p in command.params:
            if isinstance(p, click.Option) and p.is_flag and not p.is_bool_flag:
                by_name.setdefault(p.name, []).append(p)
        for options in by_name.values():
            for p in options:
                _SIBLINGS[id(p)] = options


def _locate_table(text: str, table: tuple[str, ...]) -> int | None:
    header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(re.escape(t) for t in table) + r"\s*\]")
    for number, line in enumerate(text.splitlines(), 1):
        if header.match(line):
            return number
    return None


def _locate(text: str, table: tuple[str, ...], key: str) -> int | None:
    """The line where ``key`` is set inside ``[table]`` (or dotted, or inline): for messages."""
    current: tuple[str, ...] = ()
    key_re = re.compile(r"""^\s*(?:["']?)""" + re.escape(key) + r"""(?:["']?)\s*=""")
    for number, line in enumerate(text.splitlines(), 1):
        head = re.match(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$", line)
        if head:
            current = tuple(part.strip().strip("\"'") for part in head.group(1).split("."))
            continue
        if current == table and key_re.match(line):
            return number
    return _locate_table(text, table) if table else None


def describe(group: click.Group, config: Config, commands: list[str] | None = None,
             changed_only: bool = False) -> list[str]:
    """``command.option = value   # where it came from`` for every option (or only the set ones)."""
    ctx = click.Context(group)
    lines = [f"# config file: {config.path}" if config.path else "# no config file (defaults only)"]
    by_key = {(s.command, s.name): s for s in config.settings}
    targets: list[tuple[str | None, click.Command]] = [(None, group)]
    targets += [(name, group.get_command(ctx, name)) for name in sorted(group.list_commands(ctx))]
    for cname, command in targets:
        if commands and (cname or "bibkit") not in commands:
            continue
        seen: set[str] = set()
        for param in command.params:
            if not isinstance(param, click.Option) or param.name in _NOT_SETTABLE or param.name in seen:
                continue
            seen.add(param.name)
            setting = by_key.get((cname, param.name))
            if setting is None and changed_only:
                continue
            label = f"{cname}.{param.name}" if cname else param.name
            if setting is not None:
                value = setting.value
                origin = f"{setting.file}:{setting.line} [{setting.section}]"
            else:
                value = _default(param)
                origin = "default"
            lines.append(f"{label} = {_toml(value)}  # {origin}")
    return lines


def _default(param: click.Option) -> Any:
    """An option's default as a value: unset (click 8.3 says so with a sentinel object, older
    versions with None) is "" for a single value and [] for a repeatable option."""
    value = param.default() if callable(param.default) else param.default
    if not isinstance(value, (bool, int, float, str, list, tuple, type(None))):
        value = None
    if value is None and param.multiple:
        return []
    return value


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return '""'
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
