"""Local stand-ins for the platforms' APIs and authorisation pages, for tests and benchmarks: each implements
the documented endpoints, response shapes, paging and error bodies the connectors rely on (`instagram`,
`tiktok`), on a ThreadingHTTPServer on a free port (`server`), with injectable faults and call counters.
"""
