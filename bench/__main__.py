"""`python -m bench`: run the benchmark and print its table."""

import sys

from bench.runner import main

sys.exit(main())
