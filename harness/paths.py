"""Where the project's build outputs and caches live."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
RESULTS = ROOT / "results"
CACHE = Path(os.environ.get("MICRORIG_CACHE", Path.home() / ".cache" / "microrig"))
