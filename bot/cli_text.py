"""argparse in Chinese: its headings, its -h line and its error messages.

argparse builds these from English strings through gettext with no catalogue we could
ship without .mo files, so the parser class below puts the Chinese ones (bot/replies/cli.py)
where argparse keeps them, and translates the few error shapes argparse produces.
An error shape we do not know still reaches the user, inside a Chinese sentence.
"""
from __future__ import annotations

import argparse
import re
import sys
import unicodedata

from bot.replies import say

_ARGUMENT = re.compile(r"argument (?P<arg>[^:]+): (?P<msg>.*)", re.S)
_CHOICE = re.compile(r"invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)", re.S)
_BAD_VALUE = re.compile(r"invalid (?P<type>\w+) value: (?P<value>.*)", re.S)
_REQUIRED = re.compile(r"the following arguments are required: (?P<names>.*)", re.S)
_UNKNOWN = re.compile(r"unrecognized arguments: (?P<args>.*)", re.S)


def _unquote(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" else text


def translate(message: str) -> str:
    """argparse's English error → one Chinese sentence."""
    found = _ARGUMENT.fullmatch(message)
    argument, detail = (found["arg"], found["msg"]) if found else ("", message)
    if m := _CHOICE.fullmatch(detail):
        choices = "、".join(_unquote(c) for c in m["choices"].split(", "))
        return say("cli_arg_bad_choice", value=_unquote(m["value"]), what=argument or say("cli_arg_choice_word"),
                   choices=choices)
    if m := _BAD_VALUE.fullmatch(detail):
        return say("cli_arg_bad_int", argument=argument, value=_unquote(m["value"]))
    if detail == "expected one argument":
        return say("cli_arg_needs_value", argument=argument)
    if m := _REQUIRED.fullmatch(detail):
        return say("cli_arg_required", names="、".join(n.strip() for n in m["names"].split(",")))
    if m := _UNKNOWN.fullmatch(detail):
        return say("cli_arg_unknown", args=m["args"])
    return say("cli_arg_other", message=message)


def _extra_width(text: str) -> int:
    """How many more terminal columns ``text`` takes than characters: CJK characters take two."""
    return sum(1 for ch in text if unicodedata.east_asian_width(ch) in ("W", "F"))


class ChineseHelpFormatter(argparse.HelpFormatter):
    class _Section(argparse.HelpFormatter._Section):  # type: ignore[name-defined]
        def format_help(self) -> str:
            text = super().format_help()
            # argparse ends a heading with an ASCII colon; Chinese takes the full-width one.
            return text.replace(f"{self.heading}:\n", f"{self.heading}：\n", 1) if self.heading else text

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, say("cli_usage_prefix") if prefix is None else prefix)

    def add_argument(self, action) -> None:
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:  # make room for the on-screen width, not the length
            invocation = self._format_action_invocation(action)
            width = len(invocation) + _extra_width(invocation) + self._current_indent
            self._action_max_length = max(self._action_max_length, width)

    def _format_action(self, action) -> str:
        # argparse aligns the help column by counting characters; a Chinese metavar is
        # twice as wide on screen, so take the difference out of the padding after it.
        text = super()._format_action(action)
        invocation = self._format_action_invocation(action)
        extra = _extra_width(invocation)
        head, newline, rest = text.partition("\n")
        end = head.find(invocation) + len(invocation)
        if extra and end >= len(invocation):
            gap = len(head) - end - len(head[end:].lstrip(" "))
            if head[end:].strip() and gap - extra >= 2:
                head = head[:end] + " " * (gap - extra) + head[end + gap:]
        return head + newline + rest


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose every word a user sees is Chinese; sub-parsers are of this class too."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = say("cli_positionals")
        self._optionals.title = say("cli_options")
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=say("cli_help_option"))

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, say("cli_error", prog=self.prog, message=translate(message)) + "\n")
