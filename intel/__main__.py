"""`python -m intel`: the command-line interface."""

from intel.cli import main

raise SystemExit(main())
