"""Demo data (`flask seed-demo`, the tests): never part of a real installation's data."""

from __future__ import annotations

from app.demo.people import DEMO_BSN_WITHOUT_DOSSIER, DEMO_RESIDENTS, DemoResident
from app.demo.seed import seed_demo

__all__ = ["DEMO_BSN_WITHOUT_DOSSIER", "DEMO_RESIDENTS", "DemoResident", "seed_demo"]
