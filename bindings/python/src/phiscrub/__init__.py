"""Python client for ``phiscrub serve --stdio``.

Start one service per process (or per worker) and call it from any thread::

    from phiscrub import Client

    with Client() as ph:
        clean = ph.redact("SSN 365-94-0475, phone (312) 555-0134")
        print(clean.text)      # SSN [SSN], phone [PHONE]
        print(clean.findings)  # entity, byte offsets, rule, confidence; never the values

The wire format is documented in the phiscrub repository's docs/serve.md.

In process, without a child process: ``phiscrub.native.Engine`` (the same operations over phiscrub's C ABI,
``libPHIScrubC.so``, through ctypes).
"""

from . import client as _client
from .client import *  # noqa: F401,F403  (the names in client.__all__)

__all__ = list(_client.__all__)
__version__ = "0.1.0"
