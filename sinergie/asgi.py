from __future__ import annotations

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergie.settings")
application = get_asgi_application()
# What is loaded by now lives as long as the process: out of the collector's way, so that a full
# collection (every so many allocations of busy requests) scans only what requests made instead of
# pausing a request for tens of milliseconds (docs/benchmarks.md, directory).
gc.freeze()
