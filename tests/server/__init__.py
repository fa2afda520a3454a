"""Tests of kg.server."""

import pytest

# tests/conftest.py's _stop leaves the live server's stdout/stderr pipes open; their
# ResourceWarning surfaces in the teardown of whichever test ends the session. Remove this
# mark once _stop closes the pipes.
IGNORE_LIVE_SERVER_PIPES = pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <_io\.FileIO:pytest.PytestUnraisableExceptionWarning"
)
