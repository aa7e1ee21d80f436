"""Frozen dataclasses to JSON-ready values and back, driven by the type hints (no per-class code).

`encode` turns dataclasses into dicts and tuples into lists. `decode(T, value)` rebuilds a `T` from
such a value, checking it as it goes: dataclasses (every field required, no unknown key), `X | None`
and other unions, `Literal`, `list[X]`, `tuple[X, ...]`, `tuple[X, Y]`, `dict[K, V]`, and the scalars
str, int, float (an int is accepted) and bool. Anything else raises TypeError or ValueError. The
decoder of each type is built once (generated code for a dataclass) and cached: a cache hit decodes a whole result.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Sized
from functools import cache
from typing import Literal, TypeVar, Union, get_args, get_origin, get_type_hints

JsonObject = dict[str, object]
Decoder = Callable[[object], object]
T = TypeVar("T")


def encode(value: object) -> JsonObject:
    """A dataclass instance as a JSON-ready dict."""
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        raise TypeError(f"not a dataclass instance: {type(value).__name__}")
    result = _encode(value)
    assert isinstance(result, dict)
    return result


def _encode(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def decode(cls: type[T], value: object) -> T:
    """Rebuild a `cls` from `encode` output; TypeError / ValueError when the value does not fit."""
    try:
        hint: object = cls  # functools.cache wants a Hashable; a class is one
        return typing.cast(T, decoder_for(hint)(value))
    except KeyError as exc:  # a generated dataclass decoder met an object with another field in place of this one
        raise ValueError(f"missing field {exc}") from None


@cache
def decoder_for(tp: object) -> Decoder:
    """The decoder of one type (built once)."""
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    origin, args = get_origin(tp), get_args(tp)
    if origin in (Union, types.UnionType):
        return _union_decoder(args)
    if origin is Literal:
        return _literal_decoder(args)
    if origin in (list, tuple, dict):
        return _container_decoder(origin, args)
    if tp in (str, int, float, bool):
        return _scalar_decoder(typing.cast(type, tp))
    raise TypeError(f"cannot decode type {tp!r}")


_SCALARS = (str, int, float, bool)


def _exact(tp: object) -> type | None:
    """The scalar type a value of `tp` usually has exactly (str, int, float, bool; also for `X | None`)."""
    if tp in _SCALARS:
        return typing.cast(type, tp)
    args = get_args(tp)
    if get_origin(tp) in (Union, types.UnionType) and len(args) == 2 and type(None) in args:
        (inner,) = (a for a in args if a is not type(None))
        return typing.cast(type, inner) if inner in _SCALARS else None
    return None


def _dataclass_decoder(cls: type) -> Decoder:
    """A decoder generated for `cls`, one line per field (as `dataclasses` generates `__init__`).

    A cache hit decodes a whole result (hundreds of instances, thousands of fields), so the generated code
    takes a scalar of exactly the declared type as it is, calls the field's decoder otherwise, and fills the
    instance's __dict__ directly: the values are already checked and the frozen __init__ would set them one
    by one through object.__setattr__.
    """
    hints = get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    env: dict[str, object] = {"_mapping": _mapping, "_wrong_keys": _wrong_keys, "_new": object.__new__,
                              "cls": cls, "names": frozenset(names)}
    lines = [
        "def run(data):",
        "    if type(data) is not dict:",
        "        _mapping(data, cls.__name__)",
        # As many keys as fields, and every field found (else KeyError), means the keys are exactly the fields.
        f"    if len(data) != {len(names)}:",
        "        _wrong_keys(cls, names, data)",
    ]
    for i, name in enumerate(names):
        env[f"decode_{i}"], env[f"exact_{i}"] = decoder_for(hints[name]), _exact(hints[name])
        lines += [f"    v{i} = data[{name!r}]",
                  f"    if type(v{i}) is not exact_{i}:",
                  f"        v{i} = decode_{i}(v{i})"]
    values = ", ".join(f"{name!r}: v{i}" for i, name in enumerate(names))
    lines += ["    obj = _new(cls)", f"    obj.__dict__.update({{{values}}})", "    return obj"]
    exec("\n".join(lines), env)  # noqa: S102 (the source is built above from field names only)
    return typing.cast(Decoder, env["run"])


def _wrong_keys(cls: type, names: frozenset[str], data: dict[object, object]) -> None:
    missing, unknown = sorted(names - set(data)), sorted(map(str, set(data) - names))
    raise ValueError(f"{cls.__name__}: missing fields {missing}, unknown fields {unknown}")


def _union_decoder(args: tuple[object, ...]) -> Decoder:
    optional = type(None) in args
    options = [decoder_for(a) for a in args if a is not type(None)]

    def run(value: object) -> object:
        if value is None and optional:
            return None
        errors = []
        for option in options:
            try:
                return option(value)
            except (TypeError, ValueError) as exc:
                errors.append(str(exc))
        raise ValueError(f"no member of the union fits: {'; '.join(errors)}")

    return run


def _literal_decoder(args: tuple[object, ...]) -> Decoder:
    def run(value: object) -> object:
        if value not in args:
            raise ValueError(f"{value!r} is not one of {args!r}")
        return value

    return run


def _container_decoder(origin: object, args: tuple[object, ...]) -> Decoder:
    if origin is dict:
        key, item = decoder_for(args[0]), decoder_for(args[1])
        return lambda value: {key(k): item(v) for k, v in _mapping(value, "dict").items()}
    if origin is list:
        item = decoder_for(args[0])
        return lambda value: [item(v) for v in _sequence(value, "list")]
    if len(args) == 2 and args[1] is Ellipsis:
        return _homogeneous_decoder(args[0])
    items = [(_exact(a), decoder_for(a)) for a in args]
    exacts = tuple(exact for exact, _ in items)

    def fixed(value: object) -> object:
        values = _sequence(value, "tuple")
        if tuple(map(type, values)) == exacts:  # fast path: scalars of exactly the declared types, e.g. (str, int)
            return tuple(values)
        if len(values) != len(items):
            raise ValueError(f"expected {len(items)} items, got {len(values)}")
        return tuple([part(v) for (_, part), v in zip(items, values, strict=True)])

    return fixed


def _homogeneous_decoder(tp: object) -> Decoder:
    """`tuple[X, ...]`, with a bulk path when X is a tuple of scalars (the trend's (day, followers) points).

    The bulk path checks the items column by column with builtins (set(map(type, …))), so a long trend
    costs a few C loops instead of one decoder call per point; any surprise falls back to the item decoder.
    """
    item = decoder_for(tp)
    args = get_args(tp)
    scalar_points = get_origin(tp) is tuple and Ellipsis not in args and all(_exact(a) in _SCALARS for a in args)
    allowed = [_allowed(a) for a in args] if scalar_points else []

    def bulk(values: list[object] | tuple[object, ...]) -> bool:
        if not set(map(type, values)) <= {list, tuple}:
            return False
        if not set(map(len, typing.cast("list[Sized]", values))) <= {len(allowed)}:
            return False
        columns = zip(*values, strict=True)
        return all(set(map(type, column)) <= kinds for column, kinds in zip(columns, allowed, strict=False))

    def run(value: object) -> object:
        values = _sequence(value, "tuple")
        if scalar_points and bulk(values):
            return tuple(map(tuple, typing.cast("list[list[object]]", values)))
        return tuple([item(v) for v in values])

    return run


def _allowed(tp: object) -> set[type]:
    """The exact types a scalar (or optional scalar) hint admits without conversion."""
    exact = _exact(tp)
    kinds: set[type] = set() if exact is None else {exact}
    return kinds | {type(None)} if type(None) in get_args(tp) else kinds


def _scalar_decoder(kind: type) -> Decoder:
    # Exact type checks: bool is an int in Python but never a number here. JSON writes 1.0 as 1, so a float
    # accepts an int.
    def run(value: object) -> object:
        if type(value) is kind:
            return value
        if kind is float and type(value) is int:
            return float(value)
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")

    return run


def _mapping(value: object, name: str) -> dict[object, object]:
    """`value` when it is a dict, else TypeError."""
    if not isinstance(value, dict):
        raise TypeError(f"expected {name} (an object), got {type(value).__name__}")
    return value


def _sequence(value: object, name: str) -> list[object] | tuple[object, ...]:
    """`value` when it is a list or tuple, else TypeError."""
    if not isinstance(value, list | tuple):
        raise TypeError(f"expected {name} (an array), got {type(value).__name__}")
    return value
