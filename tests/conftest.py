"""Test-wide settings: hypothesis without per-example deadlines (CI machines are small and busy;
speed is measured in benchmarks/, never asserted in unit tests)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "hubqbo",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("ci", parent=settings.get_profile("hubqbo"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "hubqbo")
