"""Presenters: the state and decisions behind a page, without widgets, so they are tested alone."""
