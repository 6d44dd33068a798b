"""Domain errors. The dispatcher turns each into a friendly reply in one place."""
from __future__ import annotations


class DomainError(Exception):
    """A rule said no. ``key`` names a template in ``bot.replies``."""

    def __init__(self, key: str, /, **fields: object) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields


class Forbidden(DomainError):
    def __init__(self, command: str, roles: str) -> None:
        super().__init__("err_forbidden", command=command, roles=roles)


class RaceLost(Exception):
    """This transaction's work conflicts with one that committed meanwhile (two reports of one
    problem at once): it is rolled back and the message is handled again from the start."""
