"""The social intelligence of one talent.

- `result`: the typed, frozen SocialIntelligence value and its sections; `decode`: its JSON round trip,
  driven by the type hints.
- `facts`: the SQL that reads a talent's facts; `demo_facts`: generated facts for a talent without data;
  `engagement`: per-post followers at posting time and rates.
- One module per result section: `overview` (followers, growth, engagement, follower trend), `content`,
  `sentiment_section` (with `languages`: comment languages and sentiment per language), `community`,
  `audience` (signs of bought or purged followers, an estimate),
  `freshness` (connected profiles and staleness).
- `assemble`: facts → SocialIntelligence (plus the methodology table); `compute`: from the database;
  `window`: a period of days (`Window`, "90d") and the intelligence computed for it.
- Roster-wide reads and writes built on results: `summary`, `roster`, `compare`.

May import `intel.db`, `intel.text`, `intel.config` and `intel.errors`; never the cache or anything above it.
"""
