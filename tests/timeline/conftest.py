from __future__ import annotations

from collections.abc import Iterator

import pytest

from assist.config import Settings
from assist.db import Database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Database]:
    """The same store tests run on SQLite and on the real PostgreSQL."""
    url = settings.sqlalchemy_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    database = Database(url)
    database.create_all()
    yield database
    if request.param == "postgres":
        from assist.db import Base

        Base.metadata.drop_all(database.engine)
    database.dispose()
