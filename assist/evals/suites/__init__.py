"""Suite adapters: each module's `run(ws, spec, *, options, progress) -> Outcome` turns a stage's own
evaluation code into a declared suite (evals/suites/<name>.yaml names the module as its `adapter`)."""
