"""A Spark standalone cluster on this machine: a master and workers started with pyspark's own launcher.

For the cluster test and ``imr-extract bench --engine spark``: the same processes a real
standalone cluster runs (``org.apache.spark.deploy.master.Master``, ``...worker.Worker``), on
127.0.0.1, each in its own process group so that stopping the cluster also ends the executors
and Python workers it started.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

# The master, and each worker, must be up within this many seconds (a JVM starts in a few).
START_TIMEOUT = 90.0


class ClusterError(RuntimeError):
    """The cluster did not start: the message ends with the log of the process that failed."""


def spark_home() -> Path:
    """The folder of the installed pyspark package, which holds ``bin/spark-class`` and Spark's jars."""
    import pyspark

    return Path(pyspark.__file__).parent


def free_port() -> int:
    """A TCP port nobody listens on at the moment (another run's cluster may hold 7077)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalCluster:
    """A standalone master and ``workers`` workers of ``cores`` cores each on 127.0.0.1; a context manager."""

    def __init__(self, workers: int = 2, cores: int = 1, memory: str = "1g", port: int = 0,
                 env: Optional[dict] = None) -> None:
        """Describe the cluster; :meth:`start` (or ``with``) starts it. ``port`` 0 picks a free one."""
        self.workers, self.cores, self.memory = workers, cores, memory
        self.port = port or free_port()
        self.env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", **(env or {})}
        self.folder = Path(tempfile.mkdtemp(prefix="imr-spark-cluster-"))
        self.processes: list[subprocess.Popen] = []

    @property
    def url(self) -> str:
        """The master URL to give ``--master``."""
        return f"spark://127.0.0.1:{self.port}"

    def __enter__(self) -> "LocalCluster":
        """Start the cluster (stopping what started if it fails)."""
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        """Stop the cluster."""
        self.stop()

    def start(self) -> None:
        """Start the master, then the workers; return once every worker has registered."""
        try:
            master = self._launch("master", "org.apache.spark.deploy.master.Master",
                                  "--host", "127.0.0.1", "--port", str(self.port), "--webui-port", "0")
            self._wait(master, lambda: _answers(self.port), "the master's port to open")
            for number in range(self.workers):
                work = self.folder / f"work-{number}"
                work.mkdir()
                # --work-dir: the default is inside the pyspark package (a shared environment).
                self._launch(f"worker-{number}", "org.apache.spark.deploy.worker.Worker", self.url,
                             "--cores", str(self.cores), "--memory", self.memory, "--webui-port", "0",
                             "--work-dir", str(work))
            self._wait(master, lambda: self._log("master").count("Registering worker") >= self.workers,
                       f"{self.workers} worker(s) to register")
        except BaseException:
            self.stop()
            raise

    def _launch(self, name: str, main: str, *args: str) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")
        command = [str(spark_home() / "bin" / "spark-class"), main, *args]
        # Its own process group: stop() ends it with every executor and Python worker below it.
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                   start_new_session=True)
        log.close()
        self.processes.append(process)
        return process

    def _log(self, name: str) -> str:
        try:
            return (self.folder / f"{name}.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def _wait(self, master: subprocess.Popen, ready, what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not ready():
            dead = [p for p in self.processes if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                logs = "\n".join(self._log(p.stem)[-2000:] for p in sorted(self.folder.glob("*.log")))
                raise ClusterError(f"waited for {what}: " + ("a process ended" if dead else "timed out")
                                   + f"\n{logs}")
            time.sleep(0.5)

    def stop(self) -> None:
        """End every process of the cluster (SIGTERM, then SIGKILL after 10 s) and remove its files."""
        for process in reversed(self.processes):
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in reversed(self.processes):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(process, signal.SIGKILL)  # executors and Python workers may outlive their JVM
            process.wait()
        self.processes = []
        shutil.rmtree(self.folder, ignore_errors=True)

    def executor_pids(self) -> list[int]:
        """Pids of the processes the workers started (executors and their Python workers), live ones."""
        groups = {p.pid for p in self.processes[1:]}
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(stat.parent.name)
            if int(fields[2]) in groups and pid not in groups:  # field 5 of stat: the process group
                pids.append(pid)
        return pids


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass
