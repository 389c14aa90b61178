"""Which events matter to the contact now: the history cut into episodes, and the episodes linked to now.

A gap of more than EPISODE_GAP, or a resolution (in data, or said by the business), ends an episode. The
card reads the current episode, any unresolved recent episode, and any older episode linked to now by a
shared reference or intent; old resolved episodes that share nothing with the present are noise. Linear in
the number of events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from assist.dialogue.acts import says_resolved
from assist.dialogue.entities import normalise, text_references
from assist.dialogue.vocabulary import BUILT_IN, ChannelMapping, read_links
from assist.timeline.models import TimelineEvent

EPISODE_GAP = timedelta(hours=72)
OPEN_EPISODE_MAX_AGE = timedelta(days=30)
_REFERENCE_KEYS = ("order_id", "case_id")


@dataclass
class Episode:
    events: list[TimelineEvent] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # normalised references and intents
    resolved: bool = False


def _keys(event: TimelineEvent, view_refs: dict[str, str]) -> set[str]:
    # Only references link episodes: two contacts about the same £20 or the same date are not one issue.
    keys = {normalise(value) for value in view_refs.values()}
    keys |= {normalise(str(event.data[k])) for k in _REFERENCE_KEYS if isinstance(event.data.get(k), str | int)}
    keys |= {normalise(value) for _, value in text_references(event.text)}
    if intent := event.data.get("intent"):
        keys.add(f"intent:{intent}")
    return keys


def episodes(events: list[TimelineEvent], mapping: ChannelMapping = BUILT_IN) -> list[Episode]:
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
        resolved, references = read_links(event.data, mapping)
        episode.events.append(event)
        episode.keys |= _keys(event, references)
        resolved = resolved or (event.actor in ("agent", "system") and says_resolved(event.text))
        episode.resolved = episode.resolved or resolved
        previous = event
    return found


def relevant_events(
    events: list[TimelineEvent],
    *,
    message: str | None,
    intent: str | None,
    now: datetime,
    mapping: ChannelMapping = BUILT_IN,
) -> list[TimelineEvent]:
    """The events that matter to the contact now, oldest first."""
    cut = episodes(sorted(events, key=lambda e: e.occurred_at), mapping)
    if not cut:
        return []
    current = cut[-1]
    said = {normalise(value) for _, value in text_references(message or "")}
    wanted = said | ({f"intent:{intent}"} if intent else set()) | (set() if current.resolved else current.keys)
    chosen = []
    for episode in cut:
        last_at = episode.events[-1].occurred_at
        open_and_recent = not episode.resolved and now - last_at <= OPEN_EPISODE_MAX_AGE
        if open_and_recent or (episode.keys & wanted):
            chosen.append(episode)
    # A resolved latest episode still shows when nothing else does: the card is never empty for no reason.
    return [event for episode in chosen or [current] for event in episode.events]
