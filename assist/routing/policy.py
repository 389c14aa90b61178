"""The routing policy as data (knowledge/routing.yaml): validated strictly, versioned, owned by knowledge owners.

The policy says where each need starts and what an agent does about it. It cannot weaken the guards in
routing/guards.py: it only names the queues they send customers to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assist.errors import InputError
from assist.routing.models import Priority, RouteType
from assist.timeline.models import Channel

_Id = Field(min_length=1, max_length=80, pattern=r"^[a-z][a-z0-9_]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OptionSpec(_Strict):
    """Customer effort and cost to serve of one kind of route; cost may only break ties."""

    steps: int = Field(ge=0, le=50)
    wait_minutes: float = Field(ge=0, le=10_080)
    channels: list[Channel] = Field(min_length=1, description="Channels the option is offered on without a switch.")
    cost: float = Field(ge=0)


class ProcedureStep(_Strict):
    id: str = _Id
    label: str = Field(min_length=1, max_length=300)
    # Event data that shows the step is done, e.g. {"verification": "passed"}; by default
    # {"step": <id>, "result": "success"}.
    done_when: list[dict[str, Any]] = Field(default_factory=list)

    def done_patterns(self) -> list[dict[str, Any]]:
        return [*self.done_when, {"step": self.id, "result": "success"}]


class IntentGroup(_Strict):
    id: str = _Id
    description: str = Field(min_length=1, max_length=300)
    intents: list[str] = Field(min_length=1)
    start: Literal["self_service", "agent", "specialist"]
    queue: str = _Id
    priority: Priority
    self_service_steps: int | None = Field(default=None, ge=1, le=50)
    procedure: list[ProcedureStep] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_steps(self) -> IntentGroup:
        ids = [step.id for step in self.procedure]
        duplicate = next((i for i in ids if ids.count(i) > 1), None)
        if duplicate:
            raise ValueError(f"procedure step id {duplicate!r} appears twice")
        return self


class GuardQueues(_Strict):
    """Where the guards send customers; the guards themselves are code and cannot be switched off."""

    fraud: str = _Id
    care: str = _Id
    recovery: str = _Id
    general: str = _Id


class RoutingPolicy(_Strict):
    version: int = Field(ge=1)
    owner: str = Field(min_length=1)
    updated: str | None = None
    options: dict[RouteType, OptionSpec]
    guard_queues: GuardQueues
    groups: list[IntentGroup] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> RoutingPolicy:
        missing = [kind for kind in ("self_service", "agent", "specialist", "callback") if kind not in self.options]
        if missing:
            raise ValueError(f"options must describe every route type; missing {', '.join(missing)}")
        seen: dict[str, str] = {}
        for group in self.groups:
            for intent in group.intents:
                if intent in seen:
                    raise ValueError(f"intent {intent!r} is in both group {seen[intent]!r} and {group.id!r}")
                seen[intent] = group.id
        ids = [group.id for group in self.groups]
        duplicate = next((i for i in ids if ids.count(i) > 1), None)
        if duplicate:
            raise ValueError(f"group id {duplicate!r} appears twice")
        return self

    def group_for(self, intent: str) -> IntentGroup | None:
        return next((group for group in self.groups if intent in group.intents), None)

    @property
    def intents(self) -> set[str]:
        return {intent for group in self.groups for intent in group.intents}


def load_policy(path: Path) -> RoutingPolicy:
    """Read and validate the policy; any problem is an InputError naming the file and the field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(("routing_policy",), f"cannot read {path}: {exc.strerror or exc}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(("routing_policy",), f"{path.name} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise InputError(("routing_policy",), f"{path.name} must be a mapping with version, options, groups")
    try:
        return RoutingPolicy.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(_readable_loc(raw, error["loc"]))
        where = ".".join(str(part) for part in loc) or "(top level)"
        raise InputError(("routing_policy", *loc), f"{path.name}: {where}: {error['msg']}") from exc


def _readable_loc(raw: dict[str, Any], loc: tuple[Any, ...]) -> list[Any]:
    """groups.3.start reads better as groups[card_security].start for whoever edits the YAML."""
    parts = list(loc)
    if len(parts) >= 2 and parts[0] == "groups" and isinstance(parts[1], int):
        groups = raw.get("groups")
        if isinstance(groups, list) and parts[1] < len(groups) and isinstance(groups[parts[1]], dict):
            group_id = groups[parts[1]].get("id")
            if isinstance(group_id, str):
                parts[1] = group_id
    return parts
