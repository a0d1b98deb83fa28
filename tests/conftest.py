"""Fixtures: the bundled data built once per session into a temporary store, and clients."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from lod.settings import Settings
from lod.store.build import build
from lod.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
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


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The bundled triples/ built into a fresh store (once per session; tests only read it)."""
    var_dir = tmp_path_factory.mktemp("var")
    settings = Settings(data_dir=str(ROOT / "triples"), var_dir=str(var_dir))
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


def lod_env(**settings: str) -> dict[str, str]:
    """Environment for a `lod` subprocess with the given LOD_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOD_")}
    env.update({f"LOD_{k.upper()}": v for k, v in settings.items()})
    return env


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The bundled data built for the base of a real server on a free loopback port."""
    port = free_port()
    settings = Settings(
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
    env = lod_env(var_dir=settings.var_dir, data_dir=settings.data_dir, base=settings.base, **extra)
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
