"""Management reports: deadline compliance, the flow of cases and workload, aggregated only.

Every figure is one or a few indexed queries on `cases`, `tasks` and `case_events` (never a loaded
workflow); counts under CASEPATH_REPORT_MIN_CELL are suppressed (engine.reports.suppression).
"""
