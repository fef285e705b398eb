"""Runtime settings from the environment or a `.env` file. Secrets never get a default and
never appear in a repr, so they cannot leak into logs by accident."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge.school import DEFAULT_SCHOOL_DIR


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str | None = Field(default=None, alias="TELEGRAM_API_BASE_URL")
    # Webhook mode only: Telegram sends it with every update (default: a new random one per run).
    telegram_webhook_secret: SecretStr | None = Field(default=None,
                                                      alias="TELEGRAM_WEBHOOK_SECRET")
    db_path: Path = Field(default=Path("var/policybot.db"), alias="POLICYBOT_DB")
    school_dir: Path = Field(default=DEFAULT_SCHOOL_DIR, alias="POLICYBOT_SCHOOL_DIR")
