"""Finds the built phiscrub binary: $PHISCRUB_BIN, else .build/release or .build/debug of the repository."""

import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
# A test key (not a secret: random bytes generated for these tests only).
TEST_KEY = "UIsa9vFQUSmyecYazQevgNVcNQpjuGV3cs3+2JKyfms="


def _binary() -> str:
    env = os.environ.get("PHISCRUB_BIN")
    if env:
        return env
    for build in ("release", "debug"):
        candidate = REPO / ".build" / build / "phiscrub"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    pytest.exit("phiscrub is not built: run `swift build` or set PHISCRUB_BIN", returncode=2)


@pytest.fixture(scope="session")
def binary() -> str:
    return _binary()


@pytest.fixture
def clean_env(tmp_path):
    """The environment without any keys, so tests do not depend on the machine's keyring."""
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


@pytest.fixture
def config(tmp_path, binary) -> pathlib.Path:
    """The example phiscrub.yaml, with keys from the environment and its audit log in tmp_path."""
    subprocess.run([binary, "init"], cwd=tmp_path, check=True, capture_output=True)
    path = tmp_path / "phiscrub.yaml"
    text = path.read_text()
    text = text.replace("key_source: keyring", "key_source: env").replace("os_append_only: true", "os_append_only: false")
    path.write_text(text)
    return path
