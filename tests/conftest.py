"""Fixtures: the bundled data built once per session into a temporary store, and clients.

Every test that takes ``built``, ``client``, ``served``, ``server`` or ``make_settings`` runs once
per store backend: the embedded store, and a real Oxigraph server (PyPI ``oxigraph``) started on a
free loopback port as the remote store, and stopped after. ``built_embedded`` is for the tests of
the embedded store's own machinery (its files, its worker processes).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from lod.settings import Settings
from lod.store.build import build
from lod.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
BACKENDS = ("embedded", "remote")
SEED = ROOT / "sources" / "wilson" / "puzanov-journal-1957-10-25.txt"
BASE = "http://127.0.0.1:8000/"


class Client:
    """A synchronous client that talks to the app in-process, over httpx's ASGI transport."""

    def __init__(self, app: FastAPI, base: str = BASE) -> None:
        self.app = app
        self.base = base.rstrip("/")

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=self.base) as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(send())

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def head(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("HEAD", path, **kwargs)

    def options(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("OPTIONS", path, **kwargs)


class OxigraphServer:
    """A real Oxigraph server (PyPI ``oxigraph``), read-write, on a loopback port; it can be killed and restarted.

    Its own time limit stops runaway queries that tests send it (lod abandons them at its own).
    """

    def __init__(self, location: Path, timeout: int = 10) -> None:
        self.location = location
        self.timeout = timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [str(OXIGRAPH), "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            [*command, "--timeout-s", str(self.timeout)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{self.url}/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Oxigraph server did not start")
            time.sleep(0.05)

    def kill(self) -> None:
        """Stop it the hard way (SIGKILL), as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def oxigraph(location: Path, timeout: int = 10) -> Iterator[str]:
    """A running Oxigraph server for the duration; yields its URL."""
    server = OxigraphServer(location, timeout)
    try:
        server.start()
        yield server.url
    finally:
        server.stop()


class Backend:
    """Settings for one store backend; on the remote one, each gets an Oxigraph server of its own."""

    def __init__(self, name: str, folders: Callable[[str], Path], stack: ExitStack) -> None:
        self.name = name
        self.folders = folders
        self.stack = stack

    def settings(self, **values: Any) -> Settings:
        if self.name == "remote" and "store_url" not in values:
            values["store_url"] = self.stack.enter_context(oxigraph(self.folders("oxigraph")))
        return Settings(**values)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with ExitStack() as stack:
        yield Backend(request.param, tmp_path_factory.mktemp, stack)


@pytest.fixture
def make_settings(backend: Backend, tmp_path: Path) -> Iterator[Callable[..., Settings]]:
    """Settings on this test's backend (a fresh remote store for each call), for tests that build."""
    with ExitStack() as stack:
        counter = iter(range(1000))
        yield Backend(backend.name, lambda name: tmp_path / f"{name}-{next(counter)}", stack).settings


@pytest.fixture(scope="session")
def built(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The bundled triples/ built into a fresh store on each backend (once per session; tests only read it)."""
    settings = backend.settings(data_dir=str(ROOT / "triples"), var_dir=str(tmp_path_factory.mktemp("var")))
    build(settings)
    return settings


@pytest.fixture(scope="session")
def built_embedded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The bundled triples/ built into the embedded store, for tests of its own machinery."""
    settings = Settings(data_dir=str(ROOT / "triples"), var_dir=str(tmp_path_factory.mktemp("var")))
    build(settings)
    return settings


@pytest.fixture
def client(built: Settings) -> Client:
    return Client(create_app(built))


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of triples/ that a test may change."""
    target = tmp_path / "triples"
    shutil.copytree(ROOT / "triples", target)
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def lod_env(settings: Settings | None = None, **values: str) -> dict[str, str]:
    """Environment for a `lod` subprocess: LOD_* for the settings' store, paths and base, then ``values``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOD_")}
    if settings is not None:
        for name, value in settings.__dict__.items():
            if value != getattr(Settings(), name) or name in ("var_dir", "data_dir", "base"):
                env[f"LOD_{name.upper()}"] = str(value)
    env.update({f"LOD_{k.upper()}": v for k, v in values.items()})
    return env


@pytest.fixture(scope="session")
def served(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The bundled data built for the base of a real server on a free loopback port."""
    port = free_port()
    settings = backend.settings(
        base=f"http://127.0.0.1:{port}/",
        port=port,
        data_dir=str(ROOT / "triples"),
        var_dir=str(tmp_path_factory.mktemp("served")),
    )
    build(settings)
    return settings


@contextmanager
def serving(settings: Settings, log: Path, **extra: str) -> Iterator[str]:
    """A real `lod serve` process (uvicorn) for ``settings`` on its port; yields its base."""
    env = lod_env(settings, **extra)
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "lod.cli", "serve", "--port", str(settings.port)],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{settings.base}healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"lod serve did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield settings.base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def server(served: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `lod serve` process (uvicorn) on loopback, whose base is its own address."""
    with serving(served, tmp_path_factory.mktemp("log") / "serve.log", query_timeout="2") as base:
        yield base
