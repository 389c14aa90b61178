"""assist: agent-assist and triage for contact centres."""

import os

# Before anything loads torch or a tokenizer: nothing is fetched from a model hub at run time, Chroma
# sends no telemetry, and idle OpenMP threads yield the CPU instead of spinning (on 2 busy cores a
# spinning pool made one query embedding take 0.5 s instead of 40 ms).
for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "ANONYMIZED_TELEMETRY": "False",
    "OMP_WAIT_POLICY": "PASSIVE",
}.items():
    os.environ.setdefault(_name, _value)

__version__ = "0.1.0"
