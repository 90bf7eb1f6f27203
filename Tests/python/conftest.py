"""End-to-end tests of the front ends other than the Python client: `serve --http` (native and Presidio API) and
`phiscrub mcp` (server and proxy). Standard library only (plus pytest). The binary: $PHISCRUB_BIN, else
.build/release or .build/debug of the repository."""

import os
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
# A test key (not a secret: random bytes generated for these tests only).
TEST_KEY = "UIsa9vFQUSmyecYazQevgNVcNQpjuGV3cs3+2JKyfms="


@pytest.fixture(scope="session")
def binary() -> str:
    env = os.environ.get("PHISCRUB_BIN")
    if env:
        return env
    for build in ("debug", "release"):
        candidate = REPO / ".build" / build / "phiscrub"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    pytest.exit("phiscrub is not built: run `swift build` or set PHISCRUB_BIN", returncode=2)


@pytest.fixture
def clean_env(tmp_path):
    """The environment without the machine's keys, so tests do not depend on it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHISCRUB_")}
    env["PHISCRUB_KEYRING"] = str(tmp_path / "no-keyring.json")
    return env


@pytest.fixture
def keyed_env(clean_env):
    env = dict(clean_env)
    del env["PHISCRUB_KEYRING"]
    env["PHISCRUB_KEY"] = TEST_KEY
    env["HOME"] = "/nonexistent"
    return env
