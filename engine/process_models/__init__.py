"""Deployed process models: immutable versions of BPMN diagrams."""
