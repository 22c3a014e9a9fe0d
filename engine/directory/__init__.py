"""The directory of external actors (security consultants, police, shelters, RED, VISO, ...)."""
