"""Validating submitted task data against the task's form."""
