"""Configuration: the declared table of settings (`table`), the parsers of single values (`values`), time
zones (`zones`), the connectors' credentials (`connectors`), the alerts' thresholds and delivery (`alerts`),
and the resolved `Settings` of one process (`settings`). Everything a caller needs is re-exported here:
`from intel.config import get_settings`.

May import `intel.errors` only (and SQLAlchemy's URL parser).
"""

from intel.config.alerts import AlertSettings, RuleThresholds
from intel.config.connectors import ConnectorSettings
from intel.config.settings import Settings, get_settings
from intel.config.table import MIN_METRICS_TOKEN, SETTINGS, Setting
from intel.config.values import PROJECT_ROOT, IPNetwork
from intel.config.zones import canonical_timezone, timezone_names
from intel.errors import ConfigError

__all__ = ["MIN_METRICS_TOKEN", "PROJECT_ROOT", "SETTINGS", "AlertSettings", "ConfigError", "ConnectorSettings",
           "IPNetwork", "RuleThresholds", "Setting", "Settings", "canonical_timezone", "get_settings", "timezone_names"]
