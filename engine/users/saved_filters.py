"""Saved filters: a user's named filter settings for a list page (the inbox, the case list).

A saved filter is the page's query string as the page itself built it from validated filters (never
a free-text search term: those are not kept anywhere). The table is queried by user id; User has no
relationship to it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, String, UniqueConstraint, Uuid, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.db import Base, UtcDateTime, utcnow
from engine.errors import InvalidInput, NotFound
from engine.users.models import User

PAGES = ("inbox", "cases")
MAX_PER_PAGE = 20
NAME_MAX, QUERY_MAX = 80, 500


class SavedFilter(Base):
    """One named filter of one user for one list page."""

    __tablename__ = "saved_filters"
    __table_args__ = (UniqueConstraint("user_id", "page", "name", name="uq_saved_filters_user_id_page_name"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    page: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    query: Mapped[str] = mapped_column(String(QUERY_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


def list_filters(session: Session, user: User, page: str) -> list[SavedFilter]:
    """The user's saved filters for `page`, by name."""
    return list(session.scalars(select(SavedFilter).where(
        SavedFilter.user_id == user.id, SavedFilter.page == page).order_by(SavedFilter.name)))


def _checked(page: str, name: str, query: str) -> str:
    """The cleaned name; InvalidInput naming the field otherwise."""
    if page not in PAGES:
        raise InvalidInput("unknown page", [{"field": "page", "message": f"one of {', '.join(PAGES)}"}])
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX:
        raise InvalidInput("invalid name", [{"field": "name", "message": f"1 to {NAME_MAX} characters"}])
    if len(query) > QUERY_MAX or not query.isprintable():
        raise InvalidInput("invalid filter", [{"field": "query", "message": f"at most {QUERY_MAX} characters"}])
    return name


def save_filter(session: Session, user: User, page: str, name: str, query: str) -> SavedFilter:
    """Save the filter `query` under `name` (a filter of the same name is replaced); commit.

    InvalidInput for a bad name or query, and when the user already has MAX_PER_PAGE filters there.
    """
    name = _checked(page, name, query)
    found = session.scalar(select(SavedFilter).where(
        SavedFilter.user_id == user.id, SavedFilter.page == page, SavedFilter.name == name))
    if found is None:
        count = session.scalar(select(func.count()).select_from(SavedFilter).where(
            SavedFilter.user_id == user.id, SavedFilter.page == page)) or 0
        if count >= MAX_PER_PAGE:
            raise InvalidInput("too many saved filters",
                               [{"field": "name", "message": f"at most {MAX_PER_PAGE} saved filters"}])
        found = SavedFilter(user_id=user.id, page=page, name=name)
        session.add(found)
    found.query = query
    session.commit()
    return found


def delete_filter(session: Session, user: User, filter_id: UUID) -> None:
    """Delete one of the user's own saved filters; NotFound for anyone else's (or none); commit."""
    found = session.get(SavedFilter, filter_id)
    if found is None or found.user_id != user.id:
        raise NotFound("no such saved filter")
    session.delete(found)
    session.commit()
