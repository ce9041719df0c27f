"""Persistence: SQLAlchemy models, engine bootstrap, unit of work and the audit chain."""
