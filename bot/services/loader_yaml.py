"""A directory file parsed from libyaml's event stream, without PyYAML's node graph.

``yaml.load`` (even with the C loader) first composes a Python node object for every scalar,
sequence and mapping, then constructs the data from the nodes: for a district's file (7 MB,
900,000 events) that is 17 s and 400 MB. Building the data straight from the parser's events
takes a few seconds and holds only the result. Plain scalars are resolved and constructed as
``yaml.safe_load`` does (ints, bools, null, dates, ...). Anything rarer (anchors and aliases,
explicit tags, merge keys, complex keys, several documents) goes to ``yaml.load`` with the safe
loader, so the result is always what ``safe_load`` gives.
"""
from __future__ import annotations

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_NO_KEY = object()
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()


class _Unsupported(Exception):
    pass


def safe_load(text: str):
    """``yaml.safe_load(text)``, fast for plain block and flow YAML."""
    try:
        return _from_events(text)
    except _Unsupported:
        return yaml.load(text, Loader=_LOADER)


def _scalar(event: ScalarEvent):
    if event.anchor is not None or event.tag not in (None, "!"):
        raise _Unsupported
    tag = _resolver.resolve(ScalarNode, event.value, event.implicit) if event.tag is None else _STR
    if tag == _STR:
        return event.value
    if tag == _MERGE:
        raise _Unsupported
    return _constructor.yaml_constructors[tag](_constructor, ScalarNode(tag, event.value))


def _from_events(text: str):
    root, stack, keys, documents = None, [], [], 0

    def attach(value) -> None:
        nonlocal root
        if not stack:
            root = value
        elif isinstance(stack[-1], list):
            stack[-1].append(value)
        elif keys[-1] is _NO_KEY:
            if isinstance(value, (dict, list)):
                raise _Unsupported  # a complex key
            keys[-1] = value
        else:
            stack[-1][keys[-1]] = value
            keys[-1] = _NO_KEY

    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, ScalarEvent):
            attach(_scalar(event))
        elif isinstance(event, CollectionStartEvent):
            if event.anchor is not None or event.tag is not None:
                raise _Unsupported
            container: dict | list = {} if isinstance(event, MappingStartEvent) else []
            if stack and isinstance(stack[-1], dict) and keys[-1] is _NO_KEY:
                raise _Unsupported
            attach(container)
            stack.append(container)
            keys.append(_NO_KEY)
        elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
            stack.pop()
            keys.pop()
        elif isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _Unsupported  # yaml.load says what is wrong
        elif isinstance(event, AliasEvent):
            raise _Unsupported
        elif not isinstance(event, (StreamStartEvent, StreamEndEvent, DocumentEndEvent)):
            raise _Unsupported
    return root
