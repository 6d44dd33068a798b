"""The command registry and grammar.

A command is declared once, where its handler is (``Router.command`` in
``bot.dispatch``): its words and aliases, the roles allowed, its usage and a
one-line help. Everything else is generated from those declarations: the
grammar (``parse_command``), each role's ``帮助`` and the README's command table
(``python -m bot.commands readme``; a test fails when the README drifts).

``parse_command(text)`` returns a ``Command`` or None (then the text is free text
for the classifier). A bare word followed by text that does not look like its
arguments is *not* a command: "查询一下社保怎么交" is a resident's question.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Help sections, in the order 帮助 shows them.
EVERYONE, MEMBERS_ONLY, STAFF_ONLY, DEPARTMENTS_ONLY = "everyone", "members", "staff", "departments"
AUDIENCE_ROLES = {EVERYONE: "所有人", MEMBERS_ONLY: "党员/志愿者", STAFF_ONLY: "书记/网格员/街道",
                  DEPARTMENTS_ONLY: "部门联系人"}


@dataclass(frozen=True)
class CommandSpec:
    """What a person needs to know to use a command, and what the grammar needs to parse it."""

    name: str
    words: tuple[str, ...]  # the first is the canonical word; all work with or without "/"
    usage: tuple[str, ...]  # examples as typed; the first is quoted in usage errors
    help: str  # one line for 帮助 and the README
    roles: tuple[str, ...] | None = None  # None: anyone
    number: bool = False  # takes a leading ticket/item number
    standalone: bool = False  # takes no arguments: "积分怎么算" is not "积分"
    # A word no resident uses in passing: with malformed arguments it still gets a usage reply.
    strong: bool = False
    audience: str = EVERYONE
    hidden: bool = False  # answer words (确认, 取消): not listed in 帮助

    @property
    def word(self) -> str:
        return self.words[0]


@dataclass(frozen=True)
class HelpEntry:
    """A behaviour with no command word (say the problem, answer a question), for 帮助 and the README."""

    audience: str
    usage: str
    help: str


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    word: str  # the word as typed, for usage messages
    args: str  # everything after the command word, stripped (Chinese punctuation kept)
    slash: bool
    number: int | None = None  # leading ticket/item number, when present
    rest: str = ""  # args after the number


@dataclass
class Registry:
    specs: dict[str, CommandSpec] = field(default_factory=dict)
    notes: list[HelpEntry] = field(default_factory=list)
    _pattern: re.Pattern[str] | None = None
    _by_word: dict[str, str] = field(default_factory=dict)

    def add(self, spec: CommandSpec) -> None:
        if spec.name in self.specs:
            if self.specs[spec.name] == spec:
                return  # a module imported twice declares the same thing
            raise ValueError(f"command {spec.name!r} declared twice")
        for word in spec.words:
            owner = self._by_word.get(word.lower())
            if owner is not None:
                raise ValueError(f"word {word!r} of {spec.name!r} already belongs to {owner!r}")
            self._by_word[word.lower()] = spec.name
        self.specs[spec.name] = spec
        self._pattern = None

    def note(self, note: HelpEntry) -> None:
        if note not in self.notes:
            self.notes.append(note)

    def pattern(self) -> re.Pattern[str]:
        if self._pattern is None:
            words = sorted(self._by_word, key=len, reverse=True)
            self._pattern = re.compile(
                r"^(?P<slash>/)?\s*(?P<word>" + "|".join(re.escape(w) for w in words) + r")"
                r"(?P<rest>(?:[\s#]|\d|$).*)$",
                re.S | re.I,
            )
        return self._pattern

    def words(self) -> set[str]:
        return set(self._by_word)

    def spec_for_word(self, word: str) -> CommandSpec:
        return self.specs[self._by_word[word.lower()]]


REGISTRY = Registry()
_loaded = False


def ensure_loaded() -> Registry:
    """The handlers declare the commands: import them once before the grammar is used."""
    global _loaded
    if not _loaded:
        _loaded = True
        from handlers import build_routers

        build_routers()
    return REGISTRY


# Full-width forms people type on phone keyboards, folded one character for one so
# positions stay put: digits, Latin letters, #, @, +, -, ., /, % and the ideographic
# space. Chinese punctuation (，。：；！？（）) is kept as written.
_FOLD = {0x3000: " "}
_FOLD.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF10, 0xFF1A)})
_FOLD.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF21, 0xFF3B)})
_FOLD.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF41, 0xFF5B)})
_FOLD.update({ord(c): chr(ord(c) - 0xFEE0) for c in "＃＠＋－．／％"})


def normalize_command_text(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_FOLD).strip()


_CLAIM_SHORTHAND = re.compile(r"^#\s*(?P<n>\d{1,9})\s*(?:我来|我接|接单|接了|接)[!！。.]*$")
_NUMBER = re.compile(r"^#?\s*(\d{1,9})(?!\d)")
# A number that starts a place ("建议 3号楼门口加个减速带", "查询 5栋的停水"): words, not a command's number.
_PLACE_NUMBER = re.compile(r"^\d{1,9}\s*(号|栋|幢|座|单元|楼|室|层|户|组|期|[-－]\d)")


def parse_command(text: str) -> Command | None:
    text = normalize_command_text(text)
    if not text:
        return None
    registry = ensure_loaded()
    short = _CLAIM_SHORTHAND.match(text)
    if short and "claim" in registry.specs:
        return Command("claim", registry.specs["claim"].word, short["n"], False, int(short["n"]), "")
    match = registry.pattern().match(text)
    if not match:
        return None
    word = match["word"]
    spec = registry.spec_for_word(word)
    slash = bool(match["slash"])
    args = match["rest"].strip()
    if spec.standalone and args and not slash:
        return None
    number, rest = None, args
    num = _NUMBER.match(args)
    if num:
        number, rest = int(num.group(1)), args[num.end():].strip()
    if spec.number and not slash and not spec.strong and _PLACE_NUMBER.match(args):
        return None
    if spec.number and not slash and args and num is None:
        # "查询一下…", "完成作业了吗": ordinary words, not a command.
        if not args.startswith("#") and not spec.strong:
            return None
    return Command(spec.name, word, args, slash, number, rest)


def looks_like_command(text: str) -> bool:
    """A slash and a word: someone meant a command even if it is not one we know."""
    return normalize_command_text(text).startswith("/")


# -- generated help ------------------------------------------------------------
def _visible(roles: frozenset[str] | set[str], spec: CommandSpec) -> bool:
    return not spec.hidden and (spec.roles is None or bool(set(spec.roles) & set(roles)))


def _line(usage: tuple[str, ...] | str, help_: str) -> str:
    if isinstance(usage, str):
        return f"{usage}：{help_}" if "「" in usage else f"「{usage}」{help_}"
    return "「" + "」「".join(usage[:2]) + f"」{help_}"


def help_lines(roles: frozenset[str] | set[str], audience: str) -> list[str]:
    """One line per command of this section: how it is typed and what it does."""
    registry = ensure_loaded()
    said = [n for n in registry.notes if n.audience == audience and "「" in n.usage]
    lines = [_line(n.usage, n.help) for n in said]
    lines += [_line(s.usage, s.help) for s in registry.specs.values()
              if s.audience == audience and _visible(roles, s)]
    # A command's sub-commands share one line ("/活动 3 确认 …；/活动 3 名额 …"), so 帮助 fits a phone screen.
    merged: dict[str, list[str]] = {}
    for n in registry.notes:
        if n.audience == audience and n not in said:
            merged.setdefault(n.usage.split()[0] + (" N" if _has_number(n.usage) else ""), []).append(
                _line(n.usage, n.help))
    lines += ["；".join(group) for group in merged.values()]
    return lines


def _has_number(usage: str) -> bool:
    parts = usage.split()
    return len(parts) > 1 and parts[1].isdigit()


def help_words(roles: frozenset[str] | set[str], audience: str) -> str:
    """The section in one line, its command words only: for sections that are not the reader's own."""
    registry = ensure_loaded()
    return "、".join(s.word for s in registry.specs.values() if s.audience == audience and _visible(roles, s))


def readme_table() -> str:
    """The README's command table, generated from the declarations."""
    registry = ensure_loaded()
    rows = ["| 谁 | 命令 | 作用 |", "|---|---|---|"]
    for audience in (EVERYONE, MEMBERS_ONLY, STAFF_ONLY, DEPARTMENTS_ONLY):
        who = AUDIENCE_ROLES[audience]
        for n in registry.notes:
            if n.audience == audience:
                typed = n.usage if "「" in n.usage else f"`{n.usage}`"
                rows.append(f"| {who} | {typed} | {n.help} |")
        for s in registry.specs.values():
            if s.audience == audience and not s.hidden:
                typed = "、".join(f"`{u}`" for u in s.usage)
                others = [w for w in s.words[1:] if not w.isascii()]
                also = f"（也可说：{'、'.join(others)}）" if others else ""
                rows.append(f"| {who} | {typed} | {s.help}{also} |")
    return "\n".join(rows)


MENTION_RE = re.compile(r"@(\S+?)(?:[\s\u2005]|$)")


def strip_leading_mention(text: str, bot_names: tuple[str, ...] = ()) -> str:
    """Drop a leading "@bot " that platforms leave in the text of a mention."""
    for name in bot_names:
        for sep in ("\u2005", " ", "\u00a0"):
            prefix = f"@{name}{sep}"
            if text.startswith(prefix):
                return text[len(prefix):]
    return text


def write_readme(path: str = "README.md") -> None:
    """Put the generated table between the README's commands markers."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start = text.index("| 谁 | 命令 | 作用 |")
    end = text.index("<!-- commands:end -->")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text[:start] + readme_table() + "\n" + text[end:])


if __name__ == "__main__":
    import sys

    # Run as __main__ this file is a second module: the handlers fill the real one.
    from bot import commands as registered

    if sys.argv[1:] == ["readme"]:
        print(registered.readme_table())
    elif sys.argv[1:] == ["readme", "--write"]:
        registered.write_readme()
    else:
        print("usage: python -m bot.commands readme [--write]", file=sys.stderr)
        sys.exit(2)
