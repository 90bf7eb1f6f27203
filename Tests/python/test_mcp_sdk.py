"""An MCP host built on the official Python SDK (PyPI `mcp`) calling through `phiscrub mcp --proxy`: what a real
host sees of the fake server's answers. Skipped when the SDK is not installed (.ci/python-tests.sh installs it)."""

import asyncio
import json
import pathlib
import sys

import pytest

mcp = pytest.importorskip("mcp")
from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
VALUES = ["Jane Roe", "365-94-0475", "555-0134", "jane.roe@example.com", "03/14/1961", "00123456", "iVBORw0KGgo",
          "JVBERi0xLjQK"]


def test_official_sdk_host_sees_no_phi(binary, clean_env, tmp_path):
    async def host():
        params = StdioServerParameters(command=binary, env=clean_env,
                                       args=["mcp", "--proxy", "--", sys.executable, str(HERE / "fake_mcp_server.py")])
        with open(tmp_path / "stderr.txt", "w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    tools = await session.list_tools()
                    result = await session.call_tool("ehr_lookup", {"patient": "42"})
                    resource = await session.read_resource("ehr://patients/42")
                    return tools, result, resource

    tools, result, resource = asyncio.run(asyncio.wait_for(host(), 60))
    assert [t.name for t in tools.tools] == ["ehr_lookup", "kb_search"]
    seen = json.dumps([result.model_dump(mode="json"), resource.model_dump(mode="json")])
    assert "[SSN]" in seen
    for v in VALUES:
        assert v not in seen, v
    assert all(v not in (tmp_path / "stderr.txt").read_text() for v in VALUES)
