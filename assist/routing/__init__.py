"""Routing: the policy (knowledge/routing.yaml), triage routes with reasons, and agent next actions."""
