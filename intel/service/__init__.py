"""The entry points pages, the API and the CLI call: each takes an `Identity`, checks it, resolves the runtime
and calls the domain (`talents`: roster, talent pages, refresh, compare; `refresh`: the refresh's limit, join
and queue behind them; `accounts`: sign-in and user administration; `imports`: file imports; `operations`: cache
and data operations; `ops`: the Ops page; `connections`: connecting a talent's platform accounts;
`syncs`: "Sync now", the sync overview and platform webhooks; `reports`: media kits; `compare_report`: comparison
reports of 2–6 talents; `report_files`: a report as a named download; `share_links`: expiring report links a brand
opens without signing in; `alerts`: the in-app alert inbox and mutes; `alert_settings`: alert channels, quiet
hours, managers' follows and per-talent thresholds).
Each façade function is wrapped by `boundary.database_boundary`: an unreachable database leaves as
`DatabaseUnavailable`.

May import every domain package and `intel.runtime`; nothing in `intel` below it imports it.
"""
