"""Where the course keeps what it computes once: trained vectors and downloaded corpora.

The folder is `.cache/` at the repository root (ignored by git), or the folder named by the
environment variable ATTENTION_COURSE_CACHE. Nothing is written anywhere else. Deleting it is
always safe: everything in it is rebuilt on demand.
"""

import os
from pathlib import Path

ENV_VAR = "ATTENTION_COURSE_CACHE"
_REPO_ROOT = Path(__file__).resolve().parents[2]


def cache_dir() -> Path:
    """The cache folder, created on first use."""
    path = Path(os.environ.get(ENV_VAR, _REPO_ROOT / ".cache"))
    path.mkdir(parents=True, exist_ok=True)
    return path
