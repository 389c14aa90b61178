"""Every table module, imported once so metadata.create_all sees them all."""

from assist.audit import tables as audit_tables
from assist.timeline import tables as timeline_tables

__all__ = ["audit_tables", "timeline_tables"]
