"""Cases: one process instance each, with an append-only event log."""
