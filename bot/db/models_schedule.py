"""Tables for lifecycle automation (issue 5): jobs, scheduled notices, leases."""
from __future__ import annotations
