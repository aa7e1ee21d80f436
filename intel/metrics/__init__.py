"""Prometheus metrics of every process: the metric families (`families`), the recording functions the cache,
the importer, the worker and the pages call at the points where things happen (`record`), the text
exposition `/metrics` serves with its bearer-token check (`exposition`), and the summary the Ops page shows,
read from the same collector (`summary`).

With `PROMETHEUS_MULTIPROC_DIR` set (before the first import), every process of a host writes its samples
there and the exposition adds them up (prometheus_client's multiprocess mode); otherwise the figures are
this process's.

May import `intel.config` and `intel.errors` (and prometheus_client); a leaf that every layer may use.
"""
