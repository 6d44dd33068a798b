"""bot/services/loader_yaml.py: the event-stream parser gives what yaml.safe_load gives, errors included."""
from __future__ import annotations

import pytest
import yaml

from bot.services.loader_yaml import safe_load

CASES = [
    "a: 1\nb: [1, 2.5, true, null, '3', 2020-01-02, 0x1f, ~, yes, -7]\nc: {d: e}\n",
    "", "- a\n- b: &x 1\n  c: *x\n", "<<: {a: 1}\nb: 2", "a: !!str 1", "? [a]\n: b", "a: 1\n---\nb: 2",
    "x:\n  - {}\n  - []\n", "1: 2\n3.5: x", "a: [1, 2\n", "a: b: c", "a: 1\na: 2", "name: \"王\\u4e00\"\nid: '007'\n",
    "communities:\n- id: x\n  people:\n  - {id: p1, name: 张三, roles: [member], grid: 1号楼}\n",
]


@pytest.mark.parametrize("text", CASES)
def test_fast_parse_equals_safe_load(text):
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        with pytest.raises(type(exc)):
            safe_load(text)
        return
    assert safe_load(text) == expected
