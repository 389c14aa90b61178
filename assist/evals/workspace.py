"""The evaluation workspace: the checkout's knowledge, prompts and policy, in a data dir of the runner's own.

Nothing here touches the user's data dir. Each run gets a temporary one, with a fresh SQLite store and a
knowledge base ingested from the checkout's `knowledge/` as it stands, drafts and version changes included.
The slow parts, training the intent model and embedding the articles and their phrasings, are done once per
content hash (of the data and of the stage's code) into a cache that later runs reuse: the trained model is
read from it, the ingested knowledge base copied out of it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from assist.config import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from assist.audit.policy import AuditPolicy
    from assist.db import Database
    from assist.intents.service import IntentClassifier
    from assist.knowledge.models import IngestReport
    from assist.knowledge.service import KnowledgeBase
    from assist.prompts.registry import PromptRegistry
    from assist.routing.policy import RoutingPolicy

DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "assist" / "evals"
# Cache entries kept per kind: a few recent versions, so switching branches does not retrain or re-ingest.
KEEP_ENTRIES = 4


def file_digest(*paths: Path) -> str:
    """Content hash of files and folders: every file below them, by relative path, in a stable order."""
    h = hashlib.sha256()
    for base in paths:
        files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for path in files:
            h.update(str(path.relative_to(base.parent)).encode() + b"\x00")
            h.update(path.read_bytes() if path.exists() else b"<missing>")
            h.update(b"\x1e")
    return h.hexdigest()


class Workspace:
    """What suites evaluate, built lazily so a routing-only run never trains a model or ingests articles."""

    def __init__(self, *, root: Path = PROJECT_ROOT, cache_dir: Path | None = None) -> None:
        self.root = root
        self.cache_dir = cache_dir or Path(os.environ.get("ASSIST_EVAL_CACHE") or DEFAULT_CACHE)
        self._tmp = tempfile.TemporaryDirectory(prefix="assist-eval-")
        self.settings = Settings(
            data_dir=Path(self._tmp.name),
            database_url=None,
            chroma_url=None,
            knowledge_dir=root / "knowledge",
            prompts_dir=root / "prompts",
            intent_training_csv=root / "knowledge" / "intents" / "train.csv",
            routing_policy=root / "knowledge" / "routing.yaml",
            audit_policy=root / "audit" / "policy.yaml",
            llm_base_url=None,
            llm_model=None,
            llm_api_key=None,
        )
        self.ingest_report: IngestReport | None = None

    def path(self, relative: str) -> Path:
        return self.root / relative

    def close(self) -> None:
        if "knowledge" in self.__dict__:
            self.knowledge.close()
        if "db" in self.__dict__:
            self.db.dispose()
        self._tmp.cleanup()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @cached_property
    def intents_settings(self) -> Settings:
        """Settings whose data dir is the cache entry for the checkout's training data and intent code."""
        from assist.intents.service import code_version

        entry = self._cache_entry("intents", file_digest(self.settings.intent_training_csv), code_version())
        entry.mkdir(exist_ok=True)
        return self.settings.model_copy(update={"data_dir": entry})

    def _cache_entry(self, kind: str, *parts: str) -> Path:
        folder = self.cache_dir / kind
        folder.mkdir(parents=True, exist_ok=True)
        entry = folder / hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
        if entry.exists():
            os.utime(entry)  # most recently used: kept by the pruning
        _prune(folder, keep=KEEP_ENTRIES)
        return entry

    @cached_property
    def intents(self) -> IntentClassifier:
        from assist.intents.service import ensure_active_model, load_active

        settings = self.intents_settings
        if load_active(settings=settings) is None:
            print(f"training the intent model on {settings.intent_training_csv} (once; cached)", file=sys.stderr)
        return ensure_active_model(settings=settings)

    @cached_property
    def knowledge(self) -> KnowledgeBase:
        """The checkout's articles, ingested once per content hash into the cache and copied in per run
        (ingest embeds thousands of phrasings; a copy takes a moment, and keeps the cache pristine)."""
        from assist.embeddings import get_embedder
        from assist.knowledge.models import IngestReport
        from assist.knowledge.service import open_knowledge_base

        entry = self._cache_entry(
            "knowledge",
            file_digest(self.settings.knowledge_dir / "articles", self.settings.intent_training_csv),
            file_digest(*sorted(Path(__file__).parent.parent.joinpath("knowledge").glob("*.py"))),
        )
        if not (entry / "ingest.json").exists():
            building = Path(tempfile.mkdtemp(prefix=".build-", dir=entry.parent))
            try:
                report = self._ingest(building)
                (building / "ingest.json").write_text(report.model_dump_json(), encoding="utf-8")
                shutil.rmtree(entry, ignore_errors=True)
                os.replace(building, entry)
            finally:
                shutil.rmtree(building, ignore_errors=True)
        shutil.copytree(entry / "chroma", self.settings.chroma_dir)
        self.ingest_report = IngestReport.model_validate_json((entry / "ingest.json").read_text(encoding="utf-8"))
        return open_knowledge_base(settings=self.settings, embedder=get_embedder())

    def _ingest(self, data_dir: Path) -> IngestReport:
        from assist.embeddings import get_embedder
        from assist.knowledge.service import open_knowledge_base

        kb = open_knowledge_base(
            settings=self.settings.model_copy(update={"data_dir": data_dir}), embedder=get_embedder()
        )
        try:
            return kb.ingest(self.settings.knowledge_dir)
        finally:
            kb.close()

    @cached_property
    def prompts(self) -> PromptRegistry:
        from assist.prompts.registry import PromptRegistry

        return PromptRegistry(self.settings.prompts_dir)

    @cached_property
    def policy(self) -> RoutingPolicy:
        from assist.routing.policy import load_policy

        return load_policy(self.settings.routing_policy)

    @cached_property
    def audit_policy(self) -> AuditPolicy:
        from assist.audit.policy import load_policy

        return load_policy(self.settings.audit_policy)

    @cached_property
    def db(self) -> Database:
        from assist.db import Database

        db = Database(self.settings.sqlalchemy_url)
        db.create_all()
        return db

    def versions(self) -> dict[str, str]:
        """What was evaluated, for the report and the baseline; only the parts this run built."""
        from assist import __version__
        from assist.embeddings import MODEL_NAME

        found = {
            "assist": __version__,
            "embedding_model": MODEL_NAME,
            "knowledge": file_digest(self.settings.knowledge_dir / "articles")[:12],
        }
        if "intents" in self.__dict__:
            found["intent_model"] = self.intents.model_id
        if "policy" in self.__dict__:
            found["routing_policy"] = str(self.policy.version)
        if "prompts" in self.__dict__:
            found.update({f"prompt:{p.id}": f"v{p.version} {p.ref.sha256[:12]}" for p in self.prompts.all()})
        return found


def _prune(folder: Path, *, keep: int) -> None:
    entries = sorted(
        (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for stale in entries[keep:]:
        shutil.rmtree(stale, ignore_errors=True)
