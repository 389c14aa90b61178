"""Tamper-evident audit trail: hash-chained records, feedback, the QA review queue and /review page."""
