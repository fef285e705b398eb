"""Runtime settings from the environment or a `.env` file. Secrets never get a default and
never appear in a repr, so they cannot leak into logs by accident."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge.casework import DEFAULT_WEB_URL
from knowledge.school import DEFAULT_SCHOOL_DIR, Knowledge, load_knowledge


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str | None = Field(default=None, alias="TELEGRAM_API_BASE_URL")
    # Webhook mode only: Telegram sends it with every update (default: a new random one per run).
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, alias="TELEGRAM_WEBHOOK_SECRET"
    )
    # For staff invitation links, https://t.me/<username>?start=<code> (without the @).
    telegram_bot_username: str | None = Field(default=None, alias="TELEGRAM_BOT_USERNAME")
    db_path: Path = Field(default=Path("var/policybot.db"), alias="POLICYBOT_DB")
    school_dir: Path = Field(default=DEFAULT_SCHOOL_DIR, alias="POLICYBOT_SCHOOL_DIR")
    # Telegram chat for staff notifications until role holders register (else school.toml's).
    office_chat_id: int | None = Field(default=None, alias="POLICYBOT_OFFICE_CHAT_ID")
    # The staff web console's public base URL, used in its sign-in links.
    web_url: str = Field(default=DEFAULT_WEB_URL, alias="POLICYBOT_WEB_URL")

    def load_knowledge(self) -> Knowledge:
        """The school's knowledge, with this deployment's office chat and console URL applied."""
        knowledge = load_knowledge(self.school_dir)
        school = knowledge.school
        casework = replace(school.casework, web_url=self.web_url.rstrip("/"))
        if self.office_chat_id is not None:
            casework = replace(casework, office_chat_id=self.office_chat_id)
        return replace(knowledge, school=replace(school, casework=casework))
