"""Fixtures: a real SMTP server and a world of users and cases driven by a fixed clock."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.engine.notifications.world import World, diagram, mail_settings


@pytest.fixture
def world(db_session, connection, settings, smtp_server) -> World:
    world = World(db_session, connection, mail_settings(settings, smtp_server), smtp_server)
    world.deploy(diagram("kvittering", first_due="due", second_due="due"))
    return world


@pytest.fixture
def at():
    return datetime.fromisoformat
