"""What the Chromium tests share: launch flags, and skip-or-fail when a tool is missing."""

import os

import pytest

REQUIRED = os.environ.get("COURSE_REQUIRE_BROWSER") == "1"  # .ci/run sets it: never skip there
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def skip_unless_ready(reason, what):
    """Skip the test `what` when `reason` (why it cannot run) is not None; fail instead when
    COURSE_REQUIRE_BROWSER=1."""
    if reason is None:
        return
    message = f"{what} not run: {reason}"
    if REQUIRED:
        pytest.fail(f"{message}; COURSE_REQUIRE_BROWSER=1 requires it")
    pytest.skip(message)
