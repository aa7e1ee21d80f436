"""The generated demo roster for sales walkthroughs: deterministic talents, posts and comments (`generate`),
their follower curves (`followers`), texts (`text`) and campaigns (`campaigns`), always flagged `is_demo`.

May import `intel.text`, `intel.campaigns` (the real attribution of demo campaigns), `intel.db`, `intel.config`
and `intel.errors`.
"""
