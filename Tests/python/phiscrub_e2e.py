"""Helpers of the end-to-end tests (a module of its own: the Python client's tests have a conftest too)."""

import re
import subprocess


class Server:
    def __init__(self, proc, port=None, unix=None):
        self.proc, self.port, self.unix = proc, port, unix

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_http(binary, env, *args):
    """Starts `phiscrub serve --http 127.0.0.1:0 ARGS` (or `--unix` when ARGS has it) and waits for its address."""
    argv = [binary, "serve"] + (list(args) if "--unix" in args else ["--http", "127.0.0.1:0", *args])
    proc = subprocess.Popen(argv, stderr=subprocess.PIPE, env=env)
    line = proc.stderr.readline().decode()
    m = re.search(r"listening on (?:http://127\.0\.0\.1:(\d+)|unix:(.+))", line)
    if not m:
        proc.kill()
        rest = proc.stderr.read().decode()
        raise AssertionError(f"serve did not start: {line!r} {rest!r}")
    return Server(proc, port=int(m.group(1)) if m.group(1) else None, unix=m.group(2))
