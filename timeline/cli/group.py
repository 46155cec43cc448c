"""The command group: commands loaded when they run, and options read without Pydantic.

Two things make a small run such as `timeline validate` start quickly (README, "Speed"):

- A command's module, and all it imports, is loaded only when that command runs or shows
  its help; `timeline --help` lists the commands from their summaries (`LAZY_COMMANDS`).
- Typer reads every option through a Pydantic `TypeAdapter`: importing Pydantic and
  building the adapters took about as long as the rest of a warm `validate` of a small
  collection. The options of our commands are of a few plain kinds (text, a path, a
  choice, lists of them), which Typer's own functions for each kind read as well, without
  Pydantic (`plain_reader`). It relies on how Typer 0.29 lays out a parameter, so it is
  used only where that layout is found; anything else is read by Typer as before, and
  `tests/test_imports.py` fails loudly when the plain path is lost.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, get_args, get_origin

import typer.main
from typer.core import TyperCommand, TyperGroup

try:  # Typer's reading of one parameter (private: checked before use, see above)
    from typer._click.utils import _escape_control_characters
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer._param_types import coerce_cli_choice, coerce_cli_path, routes_to_path
    from typer._typing import is_literal_type, literal_values

    _KNOWN_TYPER = True
except ImportError:  # another Typer: every option is read by Typer itself
    _KNOWN_TYPER = False


class LazyCommand(NamedTuple):
    """A command whose module is imported only when it runs (or its own help is shown)."""

    module: str  # the module of `timeline.cli` that defines it
    summary: str  # what `timeline --help` lists: the first line of its docstring


#: The commands imported on demand, by name (filled by `timeline.cli`).
LAZY_COMMANDS: dict[str, LazyCommand] = {}


class _LoadedOnDemand(MutableMapping[str, Any]):
    """The group's commands by name: those built, and those of `LAZY_COMMANDS`, built on
    first use. Listing the names imports nothing."""

    def __init__(self, built: Mapping[str, Any], load: Callable[[str], Any]) -> None:
        self._built = dict(built)
        self._load = load

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in LAZY_COMMANDS:
                raise KeyError(name)
            self._built[name] = self._load(name)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        yield from LAZY_COMMANDS
        yield from (name for name in self._built if name not in LAZY_COMMANDS)

    def __len__(self) -> int:
        return len(set(self._built) | set(LAZY_COMMANDS))


class LazyGroup(TyperGroup):
    """A Typer group whose commands of `LAZY_COMMANDS` are imported when first used."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for command in self.commands.values():
            for param in command.params:
                _read_plainly(param)
        self.commands = _LoadedOnDemand(self.commands, self._load)

    def registered(self) -> list[Any]:
        """The Typer `CommandInfo`s registered so far (the application's)."""
        raise NotImplementedError

    def get_help_option(self, ctx: Any) -> Any:
        return _read_plainly(super().get_help_option(ctx))

    def _load(self, name: str) -> Any:
        """The Click command of a lazy command: its module imported (which registers it),
        then built as Typer builds every command."""
        module = f"timeline.cli.{LAZY_COMMANDS[name].module}"
        importlib.import_module(module)
        for info in self.registered():
            callback = info.callback
            if (
                callback is not None
                and (info.name or typer.main.get_command_name(callback.__name__)) == name
            ):
                info = copy.copy(info)
                if info.cls in (None, TyperCommand):  # a command of its own class keeps it
                    info.cls = PlainCommand
                return typer.main.get_command_from_info(
                    info,
                    pretty_exceptions_short=False,
                    rich_markup_mode=self.rich_markup_mode,
                )
        raise LookupError(f"{module} defines no command {name!r}; see LAZY_COMMANDS")

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names alone: nothing imported

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The commands in `--help`, from their summaries: nothing imported."""
        rows = []
        for name in self.list_commands(ctx):
            if name in LAZY_COMMANDS:
                rows.append((name, LAZY_COMMANDS[name].summary))
            elif not self.commands[name].hidden:
                rows.append((name, self.commands[name].get_short_help_str(formatter.width)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


class PlainCommand(TyperCommand):
    """A Typer command whose options of plain kinds are read without Pydantic."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            _read_plainly(param)

    def get_help_option(self, ctx: Any) -> Any:
        return _read_plainly(super().get_help_option(ctx))


def _read_plainly(param: Any) -> Any:
    """`param`, set to be read by `plain_reader` where it can be."""
    reader = plain_reader(param) if param is not None else None
    if reader is not None:
        param._runtime_param = reader
    return param


def plain_reader(param: Any) -> Any:
    """A reader for one Typer parameter that does what Typer's does for its kind (text,
    path, choice, or a list of one of them) without Pydantic; None for any other kind, or
    where the parameter is not laid out as this code knows."""
    if not _KNOWN_TYPER or getattr(param, "_runtime_param", False) is not None:
        return None
    descriptor: Any = getattr(param, "type_descriptor", None)
    info = getattr(descriptor, "parameter_info", None)
    if info is None or getattr(info, "parser", True) is not None:
        return None
    annotation = descriptor.annotation
    item = get_args(annotation)[0] if get_origin(annotation) is list else annotation
    if get_origin(item) is not None and not is_literal_type(item):
        return None
    path = isinstance(item, type) and issubclass(item, Path) and routes_to_path(item, info)
    if item in (str, bool) or is_literal_type(item) or path:
        return _PlainReader(parameter_info=info, annotation=annotation)
    return None


if _KNOWN_TYPER:

    @dataclass(frozen=True)
    class _PlainReader(RuntimeParam):
        """Reads text, a path, a choice or a flag (or a list of one) as Typer's adapters do;
        anything else (a flag given as text) by Typer's own reader."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            annotation: Any = self.annotation
            if get_origin(annotation) is list:
                item = get_args(annotation)[0]
                return [self._one(part, item, param, ctx) for part in value]
            return self._one(value, annotation, param, ctx)

        def _one(self, value: Any, kind: Any, param: Any, ctx: Any) -> Any:
            info = self.parameter_info
            if is_literal_type(kind):
                try:
                    return coerce_cli_choice(
                        value,
                        choices=literal_values(kind),
                        case_sensitive=info.case_sensitive,
                        ctx=ctx,
                    )
                except ValueError as error:
                    message = _escape_control_characters(str(error))
                    raise typer.BadParameter(message, ctx=ctx, param=param) from None
            if kind is str and isinstance(value, str):
                return value
            if kind is bool and isinstance(value, bool):
                return value
            if kind in (str, bool):
                typer_reader = build_runtime_param(self._descriptor(kind))
                return typer_reader._coerce_value(value, param=param, ctx=ctx)
            path_type = info.path_type or kind
            if isinstance(path_type, type) and issubclass(path_type, Path):
                value = path_type(value)  # as Typer makes one, through Pydantic
            return coerce_cli_path(value, info, path_type=path_type, param=param, ctx=ctx)

        def _descriptor(self, kind: Any) -> Any:
            from typer._coercion import resolve_type_descriptor

            return resolve_type_descriptor(kind, self.parameter_info)
