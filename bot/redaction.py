"""The bot token never reaches a log: every log record is rewritten before any handler sees
it, whatever logger it came from."""

from __future__ import annotations

import logging
from typing import Any


class TokenRedactor(logging.Filter):
    """Rewrites a log record so that no registered secret appears in its message, arguments
    or traceback. Installed through the log record factory, so it sees every record of every
    logger (httpx logs request URLs, and the URL holds the token)."""

    MASK = "[REDACTED]"

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, self.MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


REDACTOR = TokenRedactor()
_factory_installed = False


def install_token_redaction(token: str) -> None:
    """Redact `token` from every log record from now on; also quiet httpx, which logs each
    request's URL at INFO."""
    global _factory_installed
    REDACTOR.secrets.add(token)
    if not _factory_installed:
        make_record = logging.getLogRecordFactory()

        def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            REDACTOR.filter(record)
            return record

        logging.setLogRecordFactory(redacting_factory)
        _factory_installed = True
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
