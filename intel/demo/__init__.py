"""The generated demo roster for sales walkthroughs: deterministic talents, posts and comments (`generate`),
their follower curves (`followers`) and texts (`text`), always flagged `is_demo`.

May import `intel.text`, `intel.db`, `intel.config` and `intel.errors`.
"""
