"""The two stacks the newsroom workload (newsroom_load.py) measures: gunicorn as in
production, alone or behind Varnish, and a recorder of the app's edge purges."""

import http.server
import json
import shutil
import subprocess
import threading
import time
from datetime import datetime

from benchlib import PROJECT, VENV_BIN, BenchError, fetch, free_port

VCL = PROJECT / "deploy" / "varnish" / "newsroom.vcl"


class PurgeRecorder(http.server.ThreadingHTTPServer):
    """Stands in for one more edge: records when the app sent which tags."""

    daemon_threads = True

    def __init__(self):
        self.purges = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PURGE(handler):  # noqa: N802, N805
                tags = handler.headers.get("Surrogate-Key", "").split()
                self.purges.append((time.time(), tags))
                handler.send_response(200)
                handler.send_header("Content-Length", "0")
                handler.end_headers()

            def log_message(handler, *args):  # noqa: N805
                pass

        super().__init__(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/"
        threading.Thread(target=self.serve_forever, daemon=True).start()


class Stack:
    """gunicorn as in production (newsroom/gunicorn.py), and Varnish in front."""

    def __init__(self, site, varnish):
        self.site = site
        self.varnish = varnish
        self.folder = site.tmp / ("varnish-stack" if varnish else "app-stack")
        self.folder.mkdir()
        self.recorder = PurgeRecorder()
        self.app_port = free_port()
        self.app = f"http://127.0.0.1:{self.app_port}"
        self.edge_port = free_port() if varnish else None
        self.edge = f"http://127.0.0.1:{self.edge_port}" if varnish else self.app
        self.processes = []

    def start(self):
        purge_urls = [self.recorder.url]
        if self.varnish:
            purge_urls.insert(0, f"{self.edge}/")
        env = {
            **self.site.env,
            "GUNICORN_BIND": f"127.0.0.1:{self.app_port}",
            "WEB_CONCURRENCY": "2",
            # Recycling a worker every ~1,000 requests would restart one a second.
            "GUNICORN_MAX_REQUESTS": "0",
            "GUNICORN_LOG_LEVEL": "info",
            "DJANGO_LOG_FORMAT": "json",
            "NEWSROOM_PURGE_URLS": ",".join(purge_urls),
        }
        self.access_log = self.folder / "gunicorn.log"
        self.processes.append(
            subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "-c", "python:newsroom.gunicorn"]
                + ["newsroom.wsgi:application"],
                cwd=PROJECT,
                env=env,
                stdout=open(self.access_log, "ab"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
            )
        )
        wait_until(f"{self.app}/healthz", self.access_log)
        if not self.varnish:
            return
        vcl = VCL.read_text().replace('.port = "8000"', f'.port = "{self.app_port}"')
        (self.folder / "newsroom.vcl").write_text(vcl)
        self.workdir = self.folder / "varnish"
        self.workdir.mkdir()
        varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
        log = self.folder / "varnish.log"
        self.processes.append(
            subprocess.Popen(
                [varnishd, "-F", "-j", "none", "-n", str(self.workdir)]
                + ["-a", f"127.0.0.1:{self.edge_port}"]
                + ["-f", str(self.folder / "newsroom.vcl"), "-s", "malloc,256m"],
                stdout=open(log, "ab"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
            )
        )
        wait_until(f"{self.edge}/healthz", log)

    def varnish_counters(self):
        if not self.varnish:
            return {}
        varnishstat = shutil.which("varnishstat") or "/usr/bin/varnishstat"
        names = ("MAIN.cache_hit", "MAIN.cache_miss", "MAIN.backend_req")
        command = [varnishstat, "-n", str(self.workdir), "-1"]
        for name in names:
            command += ["-f", name]
        output = subprocess.run(command, capture_output=True, text=True).stdout
        return {
            line.split()[0]: int(line.split()[1])
            for line in output.splitlines()
            if line.split()[:1] and line.split()[0] in names
        }

    def app_requests(self):
        """Return [(time, path)] of the GET requests the app answered."""
        requests = []
        for line in self.access_log.read_text(errors="replace").splitlines():
            if '"gunicorn.access"' not in line:
                continue
            entry = json.loads(line)
            if entry.get("method") == "GET":
                moment = datetime.fromisoformat(entry["time"]).timestamp()
                requests.append((moment, entry.get("path", "")))
        return requests

    def stop(self):
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self.processes = []
        self.recorder.shutdown()
        self.recorder.server_close()


def wait_until(url, log, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if fetch(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"{url} did not answer:\n" + log.read_text()[-1500:])
