"""Where the shared data sets are, for every Python benchmark script: $STORYLINE_SHARED,
else ../shared beside the repository (bench/shared.sh and storyline_bench::shared_data say
the same). The data sets have research licences: read them there, never copy them."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def shared() -> Path:
    """The shared folder (seeds/, data/, notes/)."""
    return Path(os.environ.get("STORYLINE_SHARED") or REPO.parent / "shared")


def shared_data() -> Path:
    """The shared data sets."""
    return shared() / "data"
