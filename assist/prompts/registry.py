"""Prompt registry: `prompts/<id>.yaml` parsed strictly, identified by id, version and content hash.

The hash covers the parsed content (canonical JSON), so reformatting a file does not change it but any
change to what is sent to a model does; tests/prompts compares it with `prompts/versions.lock`.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from functools import cached_property
from pathlib import Path
from string import Template
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assist.errors import NotFound

LOCK_FILE = "versions.lock"
_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


class PromptError(ValueError):
    """A prompt file that fails validation, named with the field at fault."""


class ModelParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    temperature: float = Field(default=0.0, ge=0, le=2)
    max_tokens: int = Field(default=800, gt=0, le=32_000)
    top_p: float | None = Field(default=None, gt=0, le=1)
    response_format: Literal["text", "json_object"] = "text"


class PromptMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["system", "user", "assistant"]
    content: str = Field(min_length=1)


class ChangelogEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    date: date
    change: str = Field(min_length=1)


class PromptRef(BaseModel):
    """What an audit record keeps of the prompt it used."""

    id: str
    version: int
    sha256: str


class Prompt(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(ge=1)
    description: str = Field(min_length=1)
    model: ModelParams = Field(default_factory=ModelParams)
    variables: list[str] = Field(default_factory=list, description="The ${name} placeholders the messages use.")
    messages: list[PromptMessage] = Field(min_length=1)
    changelog: list[ChangelogEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Prompt:
        used = {name for m in self.messages for name in _PLACEHOLDER.findall(m.content)}
        if used != set(self.variables):
            raise ValueError(f"variables {sorted(self.variables)} do not match the placeholders used {sorted(used)}")
        if max(entry.version for entry in self.changelog) != self.version:
            raise ValueError(f"changelog has no entry for version {self.version}")
        return self

    @cached_property
    def sha256(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def ref(self) -> PromptRef:
        return PromptRef(id=self.id, version=self.version, sha256=self.sha256)

    def render(self, **values: str) -> list[dict[str, str]]:
        """The messages with every ${name} filled; a missing or unexpected value is an error, not a blank."""
        if set(values) != set(self.variables):
            raise ValueError(f"prompt {self.id} needs exactly {sorted(self.variables)}, got {sorted(values)}")
        # Template.substitute does not re-read substituted text, so a value holding "${x}" stays literal.
        return [{"role": m.role, "content": Template(m.content).substitute(values)} for m in self.messages]


def load_prompt(path: Path) -> Prompt:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        prompt = Prompt.model_validate(raw)
    except yaml.YAMLError as exc:
        raise PromptError(f"{path.name}: not valid YAML: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(file)"
        raise PromptError(f"{path.name}: {field}: {first['msg']}") from exc
    if prompt.id != path.stem:
        raise PromptError(f"{path.name}: id: {prompt.id!r} must match the file name {path.stem!r}")
    return prompt


class PromptRegistry:
    """Every prompt in `directory`, loaded once; a bad file stops start-up with its name and field."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._prompts = {p.id: p for p in map(load_prompt, sorted(self.directory.glob("*.yaml")))}

    def get(self, prompt_id: str) -> Prompt:
        try:
            return self._prompts[prompt_id]
        except KeyError:
            raise NotFound("prompt", prompt_id) from None

    def all(self) -> list[Prompt]:
        return list(self._prompts.values())

    def lock(self) -> dict[str, dict[str, int | str]]:
        """The content of `versions.lock` that matches the prompts as they are now."""
        return {p.id: {"version": p.version, "sha256": p.sha256} for p in self.all()}

    def read_lock(self) -> dict[str, dict[str, int | str]]:
        path = self.directory / LOCK_FILE
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def write_lock(self) -> Path:
        path = self.directory / LOCK_FILE
        path.write_text(json.dumps(self.lock(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return path

    def lock_problems(self) -> list[str]:
        """Why `versions.lock` and the prompts disagree; empty when they agree."""
        locked, current = self.read_lock(), self.lock()
        problems = []
        for prompt_id, now in sorted(current.items()):
            before = locked.get(prompt_id)
            if before is None:
                problems.append(f"{prompt_id}: not in {LOCK_FILE}; run `assist prompts lock`")
            elif before["sha256"] != now["sha256"] and before["version"] == now["version"]:
                problems.append(f"{prompt_id}: content changed but version is still {now['version']}; bump it")
            elif before != now:
                problems.append(f"{prompt_id}: {LOCK_FILE} is stale; run `assist prompts lock`")
        problems += [f"{pid}: in {LOCK_FILE} but has no prompt file" for pid in sorted(set(locked) - set(current))]
        return problems
