"""`python -m tests.jobs.worker_main`: exactly `python -m intel worker`, with the test jobs declared too."""

from __future__ import annotations

import sys

import tests.jobs.actors  # noqa: F401  (declares the probe job)
from intel.cli import main

if __name__ == "__main__":
    sys.exit(main(["worker"]))
