"""What an ingest changes: versions to add, states to move, and the checks that refuse a folder.

Rules: one file is one article; its `version` never goes backwards, and the content of a stored
version never changes (only its status may). Per article, the highest approved version is `live`
unless the article is retired or its file is gone; a newer draft leaves the approved version live
until the draft is approved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assist.knowledge.articles import ParsedArticle
from assist.knowledge.models import ArticleStatus, InvalidFile, VersionState


@dataclass(frozen=True)
class StoredVersion:
    article_id: str
    version: int
    status: ArticleStatus
    state: VersionState
    content_hash: str


@dataclass
class IngestPlan:
    new_versions: list[ParsedArticle] = field(default_factory=list)
    # (article_id, version) -> the status and state it moves to
    status_changes: dict[tuple[str, int], ArticleStatus] = field(default_factory=dict)
    state_changes: dict[tuple[str, int], VersionState] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)


def check_versions(parsed: list[ParsedArticle], stored: list[StoredVersion]) -> list[InvalidFile]:
    by_key = {(v.article_id, v.version): v for v in stored}
    highest: dict[str, int] = {}
    for v in stored:
        highest[v.article_id] = max(highest.get(v.article_id, 0), v.version)
    problems = []
    for item in parsed:
        article = item.article
        top = highest.get(article.id, 0)
        if article.version < top:
            problems.append(
                InvalidFile(
                    file=item.source,
                    field="version",
                    message=f"version {article.version} goes backwards: version {top} is already stored",
                )
            )
        elif (old := by_key.get((article.id, article.version))) and old.content_hash != item.content_hash:
            problems.append(
                InvalidFile(
                    file=item.source,
                    field="version",
                    message=f"version {article.version} is stored with other content: raise the version to change it",
                )
            )
    return problems


def _states(versions: dict[int, ArticleStatus], *, present: bool) -> dict[int, VersionState]:
    """The state of every version of one article, given the statuses it will have after ingest."""
    latest = max(versions)
    if not present or versions[latest] == "retired":
        return dict.fromkeys(versions, "retired")
    approved = [v for v, status in versions.items() if status == "approved"]
    live = max(approved, default=None)
    states: dict[int, VersionState] = {}
    for version, status in versions.items():
        if version == live:
            states[version] = "live"
        elif status == "draft" and version > (live or 0):
            states[version] = "draft"
        elif status == "retired":
            states[version] = "retired"
        else:
            states[version] = "superseded"
    return states


def plan_ingest(parsed: list[ParsedArticle], stored: list[StoredVersion]) -> IngestPlan:
    """Assumes `check_versions` found nothing wrong."""
    plan = IngestPlan()
    by_article: dict[str, dict[int, StoredVersion]] = {}
    for v in stored:
        by_article.setdefault(v.article_id, {})[v.version] = v
    files = {item.article.id: item for item in parsed}
    for article_id in sorted(by_article.keys() | files.keys()):
        old = by_article.get(article_id, {})
        item = files.get(article_id)
        statuses: dict[int, ArticleStatus] = {version: v.status for version, v in old.items()}
        if item is not None:
            article = item.article
            previous = old.get(article.version)
            if previous is None:
                plan.new_versions.append(item)
            elif previous.status != article.status:
                plan.status_changes[(article_id, article.version)] = article.status
            statuses[article.version] = article.status
        states = _states(statuses, present=item is not None)
        was_retired = bool(old) and all(v.state == "retired" for v in old.values())
        for version, state in states.items():
            if version in old and old[version].state != state:
                plan.state_changes[(article_id, version)] = state
        changed = any(key[0] == article_id for key in (*plan.status_changes, *plan.state_changes)) or (
            item is not None and item.article.version not in old
        )
        now_retired = all(state == "retired" for state in states.values())
        if not old:
            plan.added.append(article_id)
        elif now_retired and not was_retired:
            plan.retired.append(article_id)
        elif changed:
            plan.updated.append(article_id)
        elif item is not None:
            plan.unchanged.append(article_id)
    return plan
