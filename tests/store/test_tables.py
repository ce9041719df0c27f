"""The schema is defined once, as Core tables (``app.store.tables``); the ORM classes are mapped
onto them and add nothing to the schema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.store import models, tables

ROOT = Path(__file__).resolve().parents[2]


def test_the_tables_load_without_the_orm():
    """What works with Core statements can use the tables without loading SQLAlchemy's ORM."""
    code = ("import sys; import app.store.tables; "
            "print(sorted(m for m in sys.modules if m == 'sqlalchemy.orm' or m == 'app.store.models'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_every_class_is_mapped_onto_its_table_and_the_metadata_is_the_tables():
    assert models.Base.metadata is tables.metadata
    mapped = {mapper.local_table.name: mapper for mapper in models.Base.registry.mappers}
    assert set(mapped) == set(tables.metadata.tables)
    for name, mapper in mapped.items():
        assert mapper.local_table is tables.metadata.tables[name]
        # every column of the table is an attribute of the class, under its own name
        assert {c.key for c in mapper.columns} >= set(mapper.local_table.c.keys())
        if "version" in mapper.local_table.c:
            assert mapper.version_id_col is mapper.local_table.c.version


def test_large_binary_columns_are_loaded_only_when_read():
    for cls, column in ((models.Report, "pdf"), (models.Notification, "pdf"), (models.SyncOutbox, "recipe"),
                        (models.SyncOutbox, "package"), (models.Attachment, "content")):
        assert models.Base.registry.mappers and cls.__mapper__.attrs[column].deferred, (cls, column)
