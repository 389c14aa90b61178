from __future__ import annotations

import pytest

from assist.config import Settings
from tests.support.openai_server import OpenAIServer, openai_server, openai_server_session  # noqa: F401


@pytest.fixture
def llm_settings(settings: Settings, openai_server: OpenAIServer) -> Settings:  # noqa: F811
    return settings.model_copy(
        update={"llm_base_url": openai_server.base_url, "llm_model": "test-model", "llm_timeout_s": 0.5}
    )
