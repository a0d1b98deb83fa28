"""`make deploy-check`: the topology of deploy/compose.yaml on this machine, without containers.

One Oxigraph server (PyPI ``oxigraph``) as the shared store, the bundled data built into it, two
``lod serve`` processes on the same var/ and store, and Debian's nginx in front with
deploy/nginx.conf (upstreams, port and cache directory rewritten for loopback). Then records and
SPARQL are checked through the proxy: both lod processes answer, redirects, negotiation by
``Accept`` (one cached variant each), ETags and 304s, the proxy's cache, SPARQL GET and POST, the
dataset description and the change feed. Everything runs in a temporary directory and is stopped.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"deploy-check: {what} exited")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"deploy-check: {what} did not start")


def nginx_config(work: Path, port: int, upstreams: list[int]) -> Path:
    """deploy/nginx.conf, for loopback, inside a minimal main configuration."""
    site = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    site = site.replace("server lod-1:8000", f"server 127.0.0.1:{upstreams[0]}")
    site = site.replace("server lod-2:8000", f"server 127.0.0.1:{upstreams[1]}")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = site.replace("/var/cache/nginx/lod", str(work / "cache"))
    assert f"127.0.0.1:{upstreams[1]}" in site and f"127.0.0.1:{port}" in site, "deploy/nginx.conf changed shape"
    config = work / "nginx.conf"
    config.write_text(
        f"""daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {work}/nginx-access.log;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
{site}
}}
""",
        encoding="utf-8",
    )
    return config


def checks(http: httpx.Client, base: str) -> list[tuple[str, Callable[[], bool]]]:
    person = "/data/person/kim-du-bong"
    turtle = {"Accept": "text/turtle"}
    jsonld = {"Accept": "application/ld+json"}
    query = "SELECT ?label WHERE { <" + base + "id/person/nam-il> <http://www.w3.org/2000/01/rdf-schema#label> ?label }"

    def both_processes() -> bool:
        return len({http.get("/healthz").json()["pid"] for _ in range(12)}) == 2

    def redirect() -> bool:
        response = http.get("/id/person/kim-du-bong")
        return response.status_code == 303 and response.headers["location"] == f"{base}data/person/kim-du-bong"

    def negotiated() -> bool:
        ttl, json_ld = http.get(person, headers=turtle), http.get(person, headers=jsonld)
        return ttl.headers["content-type"].startswith("text/turtle") and json_ld.json()["id"].endswith("kim-du-bong")

    def cached_per_variant() -> bool:
        http.get(person, headers=turtle)
        again = http.get(person, headers=turtle)
        other = http.get(person, headers=jsonld)
        hit = again.headers.get("x-cache-status") == "HIT"
        return hit and other.headers["content-type"].startswith("application/ld")

    def not_modified() -> bool:
        etag = http.get(person, headers=turtle).headers["etag"]
        return http.get(person, headers={**turtle, "If-None-Match": etag}).status_code == 304

    def sparql_get() -> bool:
        response = http.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
        return bool(response.json()["results"]["bindings"][0]["label"]["value"] == "Nam Il")

    def sparql_post() -> bool:
        response = http.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"})
        return response.status_code == 200 and "Nam Il" in response.text

    def description() -> bool:
        return "void:sparqlEndpoint" in http.get("/void", headers=turtle).text

    def feed() -> bool:
        return int(http.get("/changes").json()["totalItems"]) > 0

    return [
        ("requests reach both lod processes", both_processes),
        ("/id/ answers 303 to /data/", redirect),
        ("records negotiated by Accept", negotiated),
        ("the proxy caches each variant (Vary)", cached_per_variant),
        ("ETag revalidation answers 304", not_modified),
        ("SPARQL GET through the proxy", sparql_get),
        ("SPARQL POST through the proxy", sparql_post),
        ("dataset description", description),
        ("change feed", feed),
    ]


def main() -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("deploy-check needs Debian's nginx: `make deploy-check` installs it (apt-get install nginx)")
    work = Path(tempfile.mkdtemp(prefix="lod-deploy-check-"))
    work.chmod(0o755)
    for folder in ("cache", "body", "proxy", "fastcgi", "uwsgi", "scgi"):  # nginx's workers run as another user
        (work / folder).mkdir()
        (work / folder).chmod(0o777)
    ports = {name: free_port() for name in ("oxigraph", "lod-1", "lod-2", "nginx")}
    base = f"http://127.0.0.1:{ports['nginx']}/"
    store = f"http://127.0.0.1:{ports['oxigraph']}"
    env = {"LOD_BASE": base, "LOD_STORE_URL": store, "LOD_VAR_DIR": str(work / "var"),
           "LOD_DATA_DIR": str(ROOT / "triples"), "PATH": str(BIN) + ":/usr/sbin:/usr/bin:/bin"}  # fmt: skip
    processes: list[subprocess.Popen[bytes]] = []
    log = (work / "processes.log").open("wb")

    def start(command: list[str], ready: str, what: str) -> None:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        processes.append(process)
        wait(ready, process, what)

    failed = []
    try:
        bind = f"127.0.0.1:{ports['oxigraph']}"
        oxigraph = [str(BIN / "oxigraph"), "serve", "--location", str(work / "oxigraph"), "--bind", bind]
        start([*oxigraph, "--timeout-s", "30"], f"{store}/query?query=ASK%7B%7D", "oxigraph")
        subprocess.run([str(BIN / "lod"), "build"], env=env, cwd=ROOT, check=True, stdout=log, stderr=subprocess.STDOUT)
        for name in ("lod-1", "lod-2"):
            url = f"http://127.0.0.1:{ports[name]}/healthz"
            start([str(BIN / "lod"), "serve", "--port", str(ports[name])], url, name)
        config = nginx_config(work, ports["nginx"], [ports["lod-1"], ports["lod-2"]])
        start([nginx, "-c", str(config), "-p", str(work)], f"{base}healthz", "nginx")
        with httpx.Client(base_url=base.rstrip("/"), timeout=30) as http:
            for title, check in checks(http, base):
                try:
                    ok = check()
                except (httpx.HTTPError, KeyError, ValueError, IndexError) as err:
                    ok, title = False, f"{title} ({type(err).__name__}: {err})"
                print(f"{'ok  ' if ok else 'FAIL'} {title}")
                if not ok:
                    failed.append(title)
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
    if failed:
        raise SystemExit(f"deploy-check: {len(failed)} check(s) failed; logs in {work}")
    shutil.rmtree(work, ignore_errors=True)
    print("deploy-check: Oxigraph server + two lod processes + nginx: every check passed")


if __name__ == "__main__":
    main()
