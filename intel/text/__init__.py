"""Text understanding, applied when a caption or comment is written: sentiment engines (`sentiment`), comment
kinds (`comment_kind`), scoring rows on write (`annotate`) and re-scoring stored texts after an engine change
(`rescore`).

May import `intel.db`, `intel.config` and `intel.errors`.
"""
