"""Time `verify` over a chain of N realistic records (goal: 100,000 in <= 10 s).

The chain is built in bulk with the same canonical JSON and hashing as write_record (appending 100,000 records
one request at a time would measure the writer, not the verifier), then verified through the service.

    python benchmarks/audit_verify.py [--records 100000] [--url sqlite:///...] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, update

from assist.audit.chain import canonical_json, content_hash
from assist.audit.models import HashedContent
from assist.audit.service import verify
from assist.audit.tables import GENESIS_HASH, AuditRecordRow, ChainHeadRow
from assist.db import Database
from tests.audit.conftest import triage_input


def build(db: Database, n: int) -> int:
    template = triage_input().model_dump()
    prev, rows = GENESIS_HASH, list[dict[str, object]]()
    for seq in range(1, n + 1):
        content = HashedContent(
            **template, audit_id=f"aud_{uuid.uuid4().hex[:20]}", seq=seq, created_at=datetime.now(UTC), prev_hash=prev
        )
        canonical = canonical_json(content.model_dump(mode="json"))
        prev = content_hash(canonical)
        rows.append(
            {
                "seq": seq,
                "audit_id": content.audit_id,
                "created_at": content.created_at,
                "kind": "triage",
                "request_id": None,
                "customer_id": content.customer_id,
                "intent": None,
                "route": None,
                "content": canonical,
                "hash": prev,
            }
        )
    with db.session() as session:
        for start in range(0, n, 5000):
            session.execute(insert(AuditRecordRow), rows[start : start + 5000])
        session.execute(update(ChainHeadRow).values(seq=n, hash=prev))
    return len(str(rows[0]["content"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--url", help="SQLAlchemy URL of an empty database (default: a temporary SQLite file)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(args.url or f"sqlite:///{Path(tmp) / 'audit.db'}")
        db.create_all()
        record_bytes = build(db, args.records)
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            result = verify(db, signing_key="bench")
            runs.append(time.perf_counter() - started)
            assert result.ok and result.records == args.records, result
        db.dispose()
    report = {
        "records": args.records,
        "record_bytes": record_bytes,
        "dialect": db.engine.dialect.name,
        "verify_seconds": [round(s, 2) for s in runs],
        "best_seconds": round(min(runs), 2),
    }
    print(
        json.dumps(report)
        if args.json
        else f"verified {args.records} records ({record_bytes} bytes each, {report['dialect']}) in "
        f"{report['verify_seconds']} s; best {report['best_seconds']} s"
    )


if __name__ == "__main__":
    main()
