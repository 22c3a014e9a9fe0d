"""Person tests: the data keys configured as every entry point configures them (engine.setup)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from engine.config import Settings
from engine.setup import configure
from engine.users.models import User
from engine.users.service import create_user


@pytest.fixture(autouse=True)
def data_keys() -> None:
    configure(Settings.from_env({"CASEPATH_ENV": "testing"}))


@pytest.fixture
def make_user(db_session: Session) -> Callable[..., User]:
    """make_user("teamleder", name="lene")."""

    def make(*groups: str, name: str) -> User:
        return create_user(db_session, name, f"{name}@example.invalid", list(groups))

    return make
