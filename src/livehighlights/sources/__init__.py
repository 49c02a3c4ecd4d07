"""Event sources: event logs (JSON Lines, JSON, CSV, TikTokLive dumps, chat logs) and the product catalog.

Times are aligned to the LIVE's start here, once; everything downstream sees integer ms.
"""

from . import chatdownloader as _chatdownloader  # noqa: F401
from . import chatlogs as _chatlogs  # noqa: F401
from . import formats as _formats  # noqa: F401  (registers the built-in adapters)
from . import minutes as _minutes  # noqa: F401
from . import tiktoklive as _tiktoklive  # noqa: F401
from . import youtubechat as _youtubechat  # noqa: F401
from .adapters import (
                       EVENT_ADAPTERS,
                       EventAdapter,
                       Problem,
                       ReadContext,
                       Record,
                       adapter_for,
                       register_adapter,
                       sniff_format,
)
from .catalog import Catalog, load_catalog
from .chatdownloader import ChatDownloaderAdapter
from .chatlogs import ChatTextAdapter, TwitchChatJsonAdapter
from .eventlog import EventLog, check_overlap, load_events
from .formats import CsvAdapter, JsonLinesAdapter, JsonListAdapter
from .minutes import PerMinuteAdapter
from .tiktoklive import TikTokLiveAdapter
from .youtubechat import YouTubeLiveChatAdapter

__all__ = [
    "EVENT_ADAPTERS",
    "Catalog",
    "ChatDownloaderAdapter",
    "ChatTextAdapter",
    "CsvAdapter",
    "EventAdapter",
    "EventLog",
    "JsonLinesAdapter",
    "JsonListAdapter",
    "PerMinuteAdapter",
    "Problem",
    "ReadContext",
    "Record",
    "TikTokLiveAdapter",
    "TwitchChatJsonAdapter",
    "YouTubeLiveChatAdapter",
    "adapter_for",
    "check_overlap",
    "load_catalog",
    "load_events",
    "register_adapter",
    "sniff_format",
]
