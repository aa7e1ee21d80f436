"""The social intelligence of one talent: the typed result (`result`), the SQL that reads a talent's facts
(`facts`), one module per result section (`overview`, `engagement`, `content`, `audience`), the assembler
(`assemble`), compute-from-database (`compute`), generated demo facts (`demo_facts`), and the roster-wide
reads and writes built on results (`summary`, `roster`, `compare`).

May import `intel.db`, `intel.text`, `intel.config` and `intel.errors`; never the cache or anything above it.
"""
