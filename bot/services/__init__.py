"""Keyword-only async functions that own the SQL and the rules.

Handlers, scheduled jobs and web routes all go through these.
"""
