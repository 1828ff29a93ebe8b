"""Authorization cases per area: each module here defines PUBLIC and GUARDED like the foundation table.

`tests/unit/test_handler_authorization.py` merges every module it finds in this package, so an area's
handlers are declared next to each other without everyone editing one file.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from sqlmodel import Session

Case = Callable[[str | None, Session], None]
UI_ONLY = "changes only this browser's unsaved form state; nothing is stored or read beyond public data"


def collect() -> tuple[dict[str, str], dict[str, Case]]:
    public: dict[str, str] = {}
    guarded: dict[str, Case] = {}
    for info in pkgutil.iter_modules(__path__):
        module: Any = importlib.import_module(f"{__name__}.{info.name}")
        for name in getattr(module, "PUBLIC", {}):
            assert name not in public, f"{name} declared twice"
        public.update(getattr(module, "PUBLIC", {}))
        guarded.update(getattr(module, "GUARDED", {}))
    return public, guarded
