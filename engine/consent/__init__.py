"""Consents, disclosures under them (or a legal exception), and safe-contact instructions."""
