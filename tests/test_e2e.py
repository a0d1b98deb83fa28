"""The served process: a real `lod serve` (uvicorn) on loopback, and the CLI beside it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
from rdflib import Graph

from lod.settings import Settings
from tests.conftest import ROOT, lod_env

README = ROOT / "README.md"
PERSON_CLASS = "http://www.cidoc-crm.org/cidoc-crm/E21_Person"


def test_records_over_http(server: str) -> None:
    with httpx.Client(base_url=server) as http:
        found = http.get("/id/person/kim-du-bong", headers={"Accept": "text/turtle"})
        assert found.status_code == 303
        location = found.headers["location"]
        assert location == f"{server}data/person/kim-du-bong"
        turtle = http.get("/data/person/kim-du-bong", headers={"Accept": "text/turtle"})
        graph = Graph().parse(data=turtle.text, format="turtle")
        assert ("Kim Tu Bong" in {str(o) for o in graph.objects()}) is True
        assert (
            http.get("/data/person/kim-du-bong", headers={"Accept": "application/ld+json"}).json()["_label"]
            == "Kim Du-bong"
        )


def readme_commands() -> list[str]:
    """Every `curl` command in the README's "Try it" section, continuation lines and quoted lines joined."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Try it") :].split("\n## ", 1)[0]
    commands: list[str] = []
    open_command = False
    for line in section.splitlines():
        if open_command:
            commands[-1] += "\n" + line
        elif line.startswith("curl "):
            commands.append(line)
        else:
            continue
        open_command = commands[-1].count("'") % 2 == 1 or commands[-1].endswith("\\")
    return commands


def test_readme_urls_answer_as_documented(server: str) -> None:
    """Every `curl` command in the README's "Try it" section, run by curl against the running server."""
    commands = readme_commands()
    assert len(commands) >= 6 and any("sparql" in c for c in commands)
    for command in commands:
        local = command.replace("http://127.0.0.1:8000/", server)
        status = subprocess.run(
            ["bash", "-c", local + " -sS -o /dev/null -w '%{http_code}'"], capture_output=True, text=True, check=True
        ).stdout
        assert status in ("200", "303"), (command, status)


def test_query_and_build_while_serving(server: str, served: Settings, tmp_path: Path) -> None:
    built = served
    env = lod_env(built)
    query = subprocess.run(
        [sys.executable, "-m", "lod.cli", "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a <" + PERSON_CLASS + "> }"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert query.stdout.split()[1] == "24"
    validate = subprocess.run(
        [sys.executable, "-m", "lod.cli", "validate"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr
    before = httpx.get(f"{server}healthz").json()["build"]
    data = tmp_path / "triples"
    shutil.copytree(built.data_dir, data)
    (data / "person" / "kim-il-sung.ttl").unlink()
    for path in data.rglob("*"):
        if path.is_file() and "kim-il-sung" in path.read_text(encoding="utf-8"):
            path.unlink()
    shutil.rmtree(data / "document")
    rebuilt = subprocess.run(
        [sys.executable, "-m", "lod.cli", "build"],
        env=lod_env(built, data_dir=str(data)),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    try:
        assert rebuilt.returncode == 0, rebuilt.stderr
        health = httpx.get(f"{server}healthz").json()
        assert "build" in health, health
        after = health["build"]
        assert after != before
        assert httpx.get(f"{server}id/person/kim-il-sung").status_code == 410  # deleted by this build
    finally:
        subprocess.run([sys.executable, "-m", "lod.cli", "build"], env=env, cwd=ROOT, capture_output=True, check=True)
    assert httpx.get(f"{server}id/person/kim-il-sung").status_code == 303
