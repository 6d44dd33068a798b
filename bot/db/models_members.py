"""Tables for members and points (issue 6): profiles, rules, activities, shop."""
from __future__ import annotations
