"""Evaluation suites that knowledge owners run before they publish: runner, gate, report and the suites."""
