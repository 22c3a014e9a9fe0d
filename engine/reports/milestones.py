"""When a case reached the milestones the flow report measures from its referral.

Each is a column of the case row, written when it happens (engine.cases.milestones: assignment, the
first conversation, the security consultant's involvement, the first measure; migration 0022 filled
them for older cases), so the flow report reads them from the period's range of `cases`.
"""

from __future__ import annotations

from sqlalchemy import Column

from engine.cases.milestones import COLUMNS
from engine.reports.scope import CASES

MILESTONES: dict[str, Column] = {name: CASES.c[column] for name, column in COLUMNS.items()}
