"""Demo data (being written)."""

DEMO_LOGINS = []


def seed_demo():
    """Load demo data."""
    return {}
