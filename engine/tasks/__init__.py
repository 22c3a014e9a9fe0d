"""The task table: a queryable mirror of every READY user task."""
