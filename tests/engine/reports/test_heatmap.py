"""The heatmap's figures per element: open cases waiting, how long, time taken, missed deadlines."""

from __future__ import annotations

from engine.reports.heatmap import process_heatmap
from tests.engine.reports.factory import Rows, at

NOW = at("2026-05-01T12:00:00+02:00")


def test_waiting_cases_time_spent_and_missed_deadlines(db_session):
    rows = Rows(db_session)
    # Six open cases wait at the screening, for 1, 2, 3, 4, 5 and 6 days; the median is 3.5 days.
    for days in range(1, 7):
        case = rows.case(f"2026-04-{30 - days:02d}T12:00:00+02:00")
        rows.task(case, "Task_screening", f"2026-04-{30 - days + 1:02d}T12:00:00+02:00")
    # Two wait at the conversation: shown as "<5", without a median.
    for _ in range(2):
        rows.task(rows.case("2026-04-20T12:00:00+02:00"), "Task_boernesamtale", "2026-04-20T12:00:00+02:00")
    # Five receipts took 1 to 5 days (median 3); two of them after their deadline.
    for days in range(1, 6):
        case = rows.case("2026-04-01T10:00:00+02:00", closed="2026-04-20T10:00:00+02:00")
        rows.task(case, "Task_kvittering", "2026-04-01T10:00:00+02:00", due="2026-04-04T22:00:00+00:00",
                  rule="receipt_6_workdays", done=f"2026-04-{1 + days:02d}T10:00:00+02:00")
    # A READY task left on a closed case is no open case waiting.
    rows.task(rows.case("2026-04-01T10:00:00+02:00", closed="2026-04-02T10:00:00+02:00"), "Task_screening",
              "2026-04-01T10:00:00+02:00")
    heat = process_heatmap(db_session, "rapport_test", NOW, 5)["elements"]
    assert heat["Task_screening"]["waiting"] == 6 and heat["Task_screening"]["median_wait_days"] == 3.5
    assert heat["Task_boernesamtale"]["waiting"] == "<5" and heat["Task_boernesamtale"]["median_wait_days"] is None
    receipt = heat["Task_kvittering"]
    assert (receipt["waiting"], receipt["median_days"], receipt["deadlines"]) == (0, 3.0, 5)
    assert receipt["missed_share"] == 0.4 and receipt["missed_rank"] == 1
    assert heat["Task_screening"]["missed_rank"] is None
