"""A real ``bibkit serve`` for the tests: started on a free loopback port, stopped afterwards."""
from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tests.conftest import ROOT

#: screenshots of the browser test (ignored by git; kept after the run to be looked at)
ARTIFACTS = ROOT / "tests" / "artifacts"


class Server:
    """A running ``bibkit serve``: its process, its address, and plain HTTP calls to it."""

    def __init__(self, proc: subprocess.Popen, url: str):
        self.proc = proc
        self.url = url
        hostport = url.split("//", 1)[1].rstrip("/")
        self.host, port = hostport.rsplit(":", 1)
        self.port = int(port)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                timeout: float = 60) -> tuple[int, dict | str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers={"Host": f"{self.host}:{self.port}", **(headers or {})})
            response = conn.getresponse()
            data = response.read().decode("utf-8")
            if response.getheader("content-type", "").startswith("application/json"):
                return response.status, json.loads(data)
            return response.status, data
        finally:
            conn.close()

    def post(self, path: str, payload, headers: dict | None = None, timeout: float = 60) -> tuple[int, dict]:
        body = json.dumps(payload).encode()
        return self.request("POST", path, body, {"Content-Type": "application/json", **(headers or {})}, timeout)

    def rss_kib(self) -> int:
        """The server process's resident memory (Linux)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")


@contextmanager
def serving(command: list[str] | None = None, env: dict | None = None, cwd: Path | None = None,
            extra: list[str] = ()) -> Iterator[Server]:
    """``bibkit serve --port 0`` (or ``command``) until the block ends; the process is always ended."""
    command = command or [sys.executable, "-m", "bibkit"]
    proc = subprocess.Popen([*command, "serve", "--port", "0", *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env or dict(os.environ), cwd=cwd or ROOT)
    try:
        line = proc.stdout.readline()  # "bibkit serve: http://127.0.0.1:PORT/  (Ctrl-C stops it)"
        if "http://" not in line:
            proc.kill()
            raise AssertionError(f"bibkit serve did not start: {line!r} {proc.stderr.read()}")
        url = line.split()[2]
        server = Server(proc, url)
        deadline = time.monotonic() + 30
        while True:  # the socket listens at once; wait until the app answers
            try:
                status, _ = server.request("GET", "/api/info", timeout=5)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("bibkit serve did not answer within 30 s")
            time.sleep(0.1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
