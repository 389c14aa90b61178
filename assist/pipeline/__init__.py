"""POST /v1/assist and POST /v1/triage: every stage in order, one audit record per response."""
