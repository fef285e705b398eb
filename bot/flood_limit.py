"""A polite per-chat limit on how fast the bot answers one chat (a flood gets one "slow
down"), independent of Telegram's own limits on the bot."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class ChatRateLimit:
    """About `per_second` messages a second per chat, with a small burst. Over the limit the
    chat is told once to slow down; later messages are dropped quietly until it recovers."""

    per_second: float = 1.0
    burst: int = 3
    _chats: dict[int, tuple[float, float, bool]] = field(default_factory=dict)

    def check(self, chat_id: int, now: float | None = None) -> str:
        """ "ok" to go ahead, "warn" to say slow down (once), "drop" to ignore."""
        now = time.monotonic() if now is None else now
        tokens, stamp, warned = self._chats.get(chat_id, (float(self.burst), now, False))
        tokens = min(float(self.burst), tokens + (now - stamp) * self.per_second)
        if tokens >= 1:
            verdict, tokens, warned = "ok", tokens - 1, False
        else:
            verdict, warned = ("drop" if warned else "warn"), True
        self._chats[chat_id] = (tokens, now, warned)
        if len(self._chats) > 10_000:  # forget chats that have long recovered
            self._chats = {k: v for k, v in self._chats.items() if now - v[1] < 60}
        return verdict
