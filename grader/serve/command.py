"""``dlcourse serve course.yaml [--work DIR] [--health-port N]``: the service from the command line.

Logs one line per submission on stderr (systemd's journal, JupyterHub's log). Health: the file
``<work>/dlcourse-serve/health.json``, rewritten every second, and with ``--health-port`` an HTTP
endpoint on 127.0.0.1 (``GET /health``: 200 and that JSON while the inbound was scanned in the last
30 s, 503 otherwise). SIGTERM or SIGINT stop it after what is being graded is recorded.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from grader.course.config import Course


def health_server(service: Any, port: int) -> ThreadingHTTPServer:
    """``GET /health`` on 127.0.0.1:``port``, answered from the service's own state (a thread of its own)."""

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if self.path.rstrip("/") not in ("/health", ""):
                self.send_error(404)
                return
            state = service.health()
            body = json.dumps(state).encode()
            self.send_response(200 if state["ok"] else 503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass  # a monitor polling every few seconds would drown the one line per submission

    server = ThreadingHTTPServer(("127.0.0.1", port), Health)
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    return server


def serve(course: Course, work: Path, workers: int | None = None, figures: bool = False,
          health_port: int | None = None, poll_s: float = 0.2) -> int:
    from grader.nbgrader_glue.course import CourseDirectory
    from grader.serve.service import Service

    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if course.exchange is None:
        print(f"{course.file}: no `exchange:` section (root, course_id): nothing to watch", file=sys.stderr)
        return 2
    if not (work / "nbgrader_config.py").exists():
        CourseDirectory.prepare(course, work)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    service = Service(course, work, workers=workers, figures=figures)
    server = health_server(service, health_port) if health_port else None
    try:
        service.run(stop, poll_s)
    finally:
        if server is not None:
            server.shutdown()
        service.close()
    return 0
