"""What every flow needs to handle one message: who sent it, when, the school's knowledge
and the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from handlers.replies import Person
from knowledge.casework import Casework
from knowledge.school import Knowledge


@dataclass(frozen=True)
class Turn:
    knowledge: Knowledge
    db: Database
    person: Person
    now: datetime

    @property
    def casework(self) -> Casework:
        return self.knowledge.school.casework
