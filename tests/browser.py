"""A headless Chromium driven over the DevTools protocol, for tests of the HTML report.

Debian's ``chromium`` package (installed by ``.ci/run``); no browser is downloaded.
Chromium is started with a private profile and every network feature off, on a
debugging port it picks itself (read back from ``DevToolsActivePort``).
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", "--window-size=1300,1400"]


class Browser:
    """One Chromium process and one page; ``call`` sends a command, events are kept."""

    def __init__(self, profile_dir: Path) -> None:
        import websocket

        assert CHROMIUM is not None
        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile_dir}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port = self._port(profile_dir / "DevToolsActivePort")
        request = urllib.request.Request(f"http://127.0.0.1:{port}/json/new?about:blank",
                                         method="PUT")
        with urllib.request.urlopen(request, timeout=10) as answer:
            target = json.load(answer)
        self.socket = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=60,
                                                  suppress_origin=True)
        self.events: list[dict[str, Any]] = []
        self.next_id = 0
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")

    def _port(self, active_port: Path, wait_s: float = 30.0) -> int:
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if active_port.is_file() and active_port.read_text().strip():
                return int(active_port.read_text().split()[0])
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with status {self.process.returncode}")
            time.sleep(0.05)
        raise RuntimeError("chromium did not open its debugging port")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message["result"]
                return result
            self.events.append(message)

    def wait_for(self, event: str) -> dict[str, Any]:
        seen = len(self.events)
        while True:
            for message in self.events[seen:]:
                if message.get("method") == event:
                    return message
            seen = len(self.events)
            self.events.append(json.loads(self.socket.recv()))

    def open(self, url: str) -> float:
        """Load ``url``; the milliseconds from navigation start to the load event's end."""
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        return float(self.evaluate(
            "performance.getEntriesByType('navigation')[0].loadEventEnd"))

    def evaluate(self, expression: str) -> Any:
        answer = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in answer:
            raise RuntimeError(f"{expression}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads so far."""
        found = []
        for message in self.events:
            method, params = message.get("method"), message.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"])[:500])
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                found.append(json.dumps(params.get("args"))[:500])
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(params["entry"].get("text", ""))
        return found

    def screenshot(self) -> bytes:
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=False)
        return base64.b64decode(data["data"])

    def close(self) -> None:
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
