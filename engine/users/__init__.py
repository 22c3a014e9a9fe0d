"""Users, groups and personal API tokens."""
