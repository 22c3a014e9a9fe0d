"""Tests of the shipped default procedure in workflows/."""
