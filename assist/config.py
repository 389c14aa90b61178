"""Settings from the environment (the contract's ASSIST_* variables)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_API_KEYS = "dev-admin:admin,dev-agent:agent,dev-channel:channel,dev-qa:qa,dev-knowledge:knowledge_owner"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSIST_", extra="ignore")

    data_dir: Path = PROJECT_ROOT / ".assist-data"
    database_url: str | None = None
    chroma_url: str | None = None
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    intent_training_csv: Path = PROJECT_ROOT / "knowledge" / "intents" / "train.csv"
    routing_policy: Path = PROJECT_ROOT / "knowledge" / "routing.yaml"
    audit_policy: Path = PROJECT_ROOT / "audit" / "policy.yaml"
    channel_mapping: Path = PROJECT_ROOT / "knowledge" / "channel_mapping.yaml"

    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = Field(default=2.0, gt=0)
    llm_max_retries: int = Field(default=1, ge=0)
    # The most one request may spend on the LLM, retries included: an agent is waiting with a customer.
    llm_deadline_s: float = Field(default=3.0, gt=0)

    api_keys: str = DEFAULT_API_KEYS
    # Signs exported chain heads, purge checkpoints and review-page sessions; set your own in production.
    audit_signing_key: str = "dev-audit-signing-key"
    # Phone numbers without a country code are read as numbers of this region.
    default_region: str = "GB"
    log_level: str = "INFO"

    @field_validator("database_url", "chroma_url", "llm_base_url", "llm_model", "llm_api_key")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value or None

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'assist.db'}"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


@lru_cache
def get_settings() -> Settings:
    return Settings()
