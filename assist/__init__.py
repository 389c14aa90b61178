"""assist: agent-assist and triage for contact centres."""

__version__ = "0.1.0"
