"""Cross-channel timeline: events, identity resolution, customer lookup."""
