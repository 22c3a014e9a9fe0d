"""Database errors never carry the values of the statement: they can hold personal data."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from engine.users.models import User
from engine.users.service import create_user


def test_a_database_error_does_not_show_the_values_it_was_given(db_session):
    user = create_user(db_session, "anna", "anna@example.invalid", ["modtagerteam"])
    with pytest.raises(IntegrityError) as caught:
        db_session.execute(insert(User).values(id=user.id, username="Fatima Hansen 010190-1234",
                                               email="x@example.invalid"))
    db_session.rollback()
    assert "Fatima" not in str(caught.value) and "010190" not in str(caught.value)
    assert "hidden due to hide_parameters" in str(caught.value)
