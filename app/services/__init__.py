"""Use cases: one function per user action.

A service takes a :class:`~app.services.context.Context` (the database and the signed-in user)
and plain values, opens one unit of work, checks the user's roles, and returns plain data
(frozen dataclasses) — never ORM objects, never a session. The GUI and the CLI call these.
"""
