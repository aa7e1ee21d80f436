"""The one declared table of settings: each environment variable with its default and help text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One documented environment variable."""

    env: str
    default: str
    help: str


# The one declared table of settings; the README's configuration table mirrors it (a test checks).
SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", "sqlite:///data/intel.db", "SQLAlchemy URL of the database."),
    Setting("REDIS_URL", "", "Redis URL (`redis://host:6379/0`); unset = embedded in-process store."),
    Setting("INTEL_DEMO", "0", "`1` runs the whole app on the separate demo database."),
    Setting("INTEL_DEMO_DATABASE_URL", "sqlite:///data/demo.db", "Database used in demo mode."),
    Setting("INTEL_CACHE_TTL_REAL", "43200", "Cache TTL in seconds for results from real data."),
    Setting("INTEL_CACHE_TTL_DEMO", "21600", "Cache TTL in seconds for results from demo data."),
    Setting("INTEL_SMART_TTL", "0", "`1` shortens the real-data TTL for talents that post often or changed recently."),
    Setting("INTEL_SMART_TTL_MIN", "7200", "Smallest TTL in seconds the smart rule may choose."),
    Setting("INTEL_WORKER_INTERVAL_S", "30", "Seconds between two passes of `python -m intel worker`."),
    Setting("INTEL_REFRESH_AHEAD_S", "1800", "The worker recomputes entries with less than this many seconds left."),
    Setting("INTEL_REFRESH_INTERVAL", "3600", "Seconds between manual refreshes of one talent."),
    Setting("INTEL_REFRESH_ROLE_INTERVALS", "", "Per-role refresh intervals, e.g. `admin=600,manager=1800`."),
    Setting("INTEL_REDIS_TIMEOUT_MS", "100", "Connect and read timeout for Redis calls."),
    Setting("INTEL_REDIS_COOLDOWN_S", "5", "After a Redis failure, skip Redis this long before probing again."),
    Setting("INTEL_CACHE_PREFIX", "", "Prefix of every cache and limiter key (several apps on one Redis)."),
    Setting("INTEL_SESSION_HOURS", "12", "Lifetime of a sign-in session in hours."),
    Setting("INTEL_LOG_LEVEL", "INFO", "Logging level of the `intel` package."),
    Setting("INTEL_TIMEZONE", "UTC", "IANA time zone (`Europe/Lisbon`) of the best-time-to-post table for talents "
            "without their own zone."),
    Setting("INTEL_PUBLIC_URL", "", "The URL browsers use (`https://intel.agency.example`); sign-in forms accept only "
            "POSTs from this origin. Unset = the request's own scheme and Host."),
    Setting("INTEL_TRUSTED_PROXIES", "", "Addresses or CIDRs of reverse proxies whose `X-Forwarded-For` is believed."),
    Setting("INTEL_STATIC_DIR", "data/static", "Where `python -m intel static build` puts the compressed copy of "
            "Streamlit's front-end bundles that the server sends (relative paths: from the project folder)."),
    Setting("INTEL_METRICS_TOKEN", "", "Bearer token Prometheus sends to `/metrics` (at least 16 characters); "
            "unset = `/metrics` answers 404."),
    # Platform connectors (docs/connectors.md). Secrets may also come from Streamlit's secrets.toml.
    Setting("INTEL_SECRET_KEY", "", "Fernet key(s), comma-separated, newest first, that encrypt platform tokens at "
            "rest (`python -m intel connectors keygen`); unset = the connectors refuse to start and say why."),
    Setting("INTEL_YOUTUBE_API_KEY", "", "YouTube Data API v3 key (public channel data); unset = no YouTube sync."),
    Setting("INTEL_YOUTUBE_API_URL", "https://youtube.googleapis.com/", "Root URL of the YouTube Data API."),
    Setting("INTEL_YOUTUBE_DAILY_QUOTA", "10000", "YouTube quota units per day (the day resets at midnight "
            "Pacific time); syncs pause when it is spent."),
    Setting("INTEL_YOUTUBE_HUB_URL", "https://pubsubhubbub.appspot.com/subscribe", "PubSubHubbub hub that pushes "
            "YouTube upload notifications."),
    Setting("INTEL_YOUTUBE_WEBHOOK_SECRET", "", "`hub.secret` of the YouTube push subscriptions (HMAC of each "
            "notification); unset = YouTube notifications are refused."),
    Setting("INTEL_INSTAGRAM_CLIENT_ID", "", "Instagram app id (Instagram API with Instagram Login)."),
    Setting("INTEL_INSTAGRAM_CLIENT_SECRET", "", "Instagram app secret: OAuth, and the HMAC key of Meta webhooks."),
    Setting("INTEL_INSTAGRAM_API_URL", "https://graph.instagram.com", "Root URL of the Instagram Graph API."),
    Setting("INTEL_INSTAGRAM_AUTH_URL", "https://www.instagram.com/oauth/authorize", "Instagram's authorization "
            "page."),
    Setting("INTEL_INSTAGRAM_TOKEN_URL", "https://api.instagram.com/oauth/access_token", "Instagram's token "
            "endpoint (authorization code to short-lived token)."),
    Setting("INTEL_INSTAGRAM_VERIFY_TOKEN", "", "`hub.verify_token` of the Meta webhook subscription; unset = "
            "the verification request is refused."),
    Setting("INTEL_TIKTOK_CLIENT_KEY", "", "TikTok app client key (Login Kit, Display API v2)."),
    Setting("INTEL_TIKTOK_CLIENT_SECRET", "", "TikTok app client secret."),
    Setting("INTEL_TIKTOK_API_URL", "https://open.tiktokapis.com", "Root URL of TikTok's API (token and Display "
            "API endpoints)."),
    Setting("INTEL_TIKTOK_AUTH_URL", "https://www.tiktok.com/v2/auth/authorize/", "TikTok's authorization page."),
    Setting("INTEL_SYNC_INTERVAL_S", "10800", "Seconds between two syncs of one connected profile (counts, new "
            "posts and their comments)."),
    Setting("INTEL_SYNC_RECOUNT_DAYS", "30", "Posts of the last this many days get their counts updated by each "
            "sync; older posts keep the counts last read."),
    Setting("INTEL_SYNC_WORKER_THREADS", "4", "Sync jobs one `python -m intel worker` runs at once (Dramatiq worker "
            "threads; with REDIS_URL)."),
    Setting("INTEL_JOBS_HEARTBEAT_S", "15", "A worker silent this long counts as dead: its unfinished sync jobs go "
            "back to the queue for another worker."),
    Setting("INTEL_JOBS_MAINTENANCE_PER_MILLION", "200000", "How many queue commands in a million also look for "
            "dead workers' jobs to requeue (Dramatiq's `maintenance_chance`; 200000: about every fifth poll)."),
    # Branding of the media-kit reports (docs/reports.md).
    Setting("INTEL_AGENCY_NAME", "", "Agency name on the cover and footer of talent reports; unset = none."),
    Setting("INTEL_AGENCY_LOGO", "", "Path of a PNG, JPEG or SVG logo for talent reports (embedded as a data: URI); "
            "unset = no logo."),
    Setting("INTEL_REPORT_ACCENT", "#1f4e79", "Accent colour of talent reports, `#rrggbb`."),
    Setting("INTEL_EMV_RATES", "", "Estimated media value per 1,000 views by platform, e.g. "
            "`instagram=8,tiktok=5,youtube=12` (in INTEL_EMV_CURRENCY); unset = no media value shown."),
    Setting("INTEL_EMV_CURRENCY", "EUR", "ISO 4217 currency of INTEL_EMV_RATES."),
    # Alerts and weekly digests (docs/alerts.md).
    Setting("INTEL_ALERT_FOLLOWER_DROP_PCT", "2", "Follower drop alert: a platform lost at least this many percent "
            "in INTEL_ALERT_FOLLOWER_DROP_DAYS days."),
    Setting("INTEL_ALERT_FOLLOWER_DROP_DAYS", "7", "The follower-drop window in days (7, 30 or 90)."),
    Setting("INTEL_ALERT_ENGAGEMENT_RATIO", "0.5", "Engagement drop alert: a platform's last 5 or 6 settled posts "
            "drew a median of at most this fraction of the usual for their format, significantly below the posts "
            "before."),
    Setting("INTEL_ALERT_NEGATIVE_RATIO", "1.5", "Negative-comment alert: last 7 days' negative share at least this "
            "many times the 30 days before (and 10 points above, and significantly)."),
    Setting("INTEL_ALERT_SPAM_POINTS", "15", "Spam surge alert: spam and generic comments of the last 7 days at "
            "least this many percentage points above the 28 days before, on one platform, and significantly."),
    Setting("INTEL_ALERT_SYNC_FAILURES", "3", "Sync failing alert: a connected profile's syncs failed this many "
            "times in a row (or it needs reconnecting)."),
    Setting("INTEL_SMTP_HOST", "", "SMTP relay for alert and digest emails; unset = no email is sent (the inbox "
            "still gets every alert)."),
    Setting("INTEL_SMTP_PORT", "587", "SMTP port (587: submission with STARTTLS)."),
    Setting("INTEL_SMTP_USERNAME", "", "SMTP user name; unset = no AUTH."),
    Setting("INTEL_SMTP_PASSWORD", "", "SMTP password (or from Streamlit's secrets.toml)."),
    Setting("INTEL_SMTP_STARTTLS", "1", "`1` requires STARTTLS before AUTH and sending; `0` only for a relay on "
            "this host."),
    Setting("INTEL_SMTP_FROM", "", "From address of alert and digest emails, e.g. `Intel <intel@agency.example>`."),
    Setting("INTEL_SMTP_CA_FILE", "", "PEM bundle of the CA that signed the relay's certificate (a private CA); "
            "unset = the system's CAs. The certificate is always verified."),
    Setting("INTEL_ALERT_RETRY_S", "60,300,1800,7200", "Waits in seconds between failed sends of one message; "
            "when they are spent the send counts as failed (Ops page)."),
    Setting("INTEL_DIGEST_AT", "MON 08:00", "When the weekly digest goes out, in INTEL_TIMEZONE: weekday and "
            "24-hour time."),
    # Read by prometheus_client itself when intel.metrics is first imported, so it is not a Settings field.
    Setting("PROMETHEUS_MULTIPROC_DIR", "", "Directory where every process of one host writes its metrics, so "
            "`/metrics` adds them up; unset = this process only."),
)
MIN_METRICS_TOKEN = 16

DEFAULTS = {s.env: s.default for s in SETTINGS}
