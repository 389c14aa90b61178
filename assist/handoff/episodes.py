"""Which events matter to the contact now: the history cut into episodes, and the episodes linked to now.

A gap of more than EPISODE_GAP, or a resolution, ends an episode. The card reads the current episode, any
unresolved recent episode, and any older episode linked to now by a shared reference or intent; old
resolved episodes that share nothing with the present are noise. Linear in the number of events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from assist.handoff.facts import NOT_REFERENCES, data_facts, normalise, text_facts
from assist.timeline.models import TimelineEvent

EPISODE_GAP = timedelta(hours=72)
OPEN_EPISODE_MAX_AGE = timedelta(days=30)
RESOLVED = {"resolved", "closed", "completed"}


@dataclass
class Episode:
    events: list[TimelineEvent] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # normalised references and intents
    resolved: bool = False


def is_resolution(event: TimelineEvent) -> bool:
    return str(event.data.get("status", "")).lower() in RESOLVED or event.data.get("resolved") is True


def _keys(event: TimelineEvent) -> set[str]:
    # Only references link episodes: two contacts about the same £20 or the same date are not one issue.
    keys = {normalise(value) for kind, value in data_facts(event.data) if kind not in NOT_REFERENCES}
    if intent := event.data.get("intent"):
        keys.add(f"intent:{intent}")
    return keys


def _message_keys(message: str | None, intent: str | None) -> set[str]:
    keys = {normalise(v) for f, v in text_facts(message or "") if f in ("order_id", "case_id", "reference")}
    return keys | ({f"intent:{intent}"} if intent else set())


def episodes(events: list[TimelineEvent]) -> list[Episode]:
    """`events` (oldest first) cut into episodes."""
    found: list[Episode] = []
    previous: TimelineEvent | None = None
    for event in events:
        if (
            not found
            or found[-1].resolved
            or (previous is not None and event.occurred_at - previous.occurred_at > EPISODE_GAP)
        ):
            found.append(Episode())
        episode = found[-1]
        episode.events.append(event)
        episode.keys |= _keys(event)
        episode.resolved = episode.resolved or is_resolution(event)
        previous = event
    return found


def relevant_events(
    events: list[TimelineEvent], *, message: str | None, intent: str | None, now: datetime
) -> list[TimelineEvent]:
    """The events that matter to the contact now, oldest first."""
    cut = episodes(sorted(events, key=lambda e: e.occurred_at))
    if not cut:
        return []
    current = cut[-1]
    wanted = _message_keys(message, intent) | (set() if current.resolved else current.keys)
    chosen = []
    for episode in cut:
        last_at = episode.events[-1].occurred_at
        open_and_recent = not episode.resolved and now - last_at <= OPEN_EPISODE_MAX_AGE
        if open_and_recent or (episode.keys & wanted):
            chosen.append(episode)
    # A resolved latest episode still shows when nothing else does: the card is never empty for no reason.
    return [event for episode in chosen or [current] for event in episode.events]
