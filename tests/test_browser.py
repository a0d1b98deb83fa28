"""The HTML pages in a real headless Chromium (Debian's `chromium`, driven by Playwright).

Each page loads without console errors or failed requests, every link on it resolves, and a
screenshot is written under the test's temporary folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

DOC = "journal-soviet-ambassador-dprk-am-puzanov-25-october-1957"
PAGES = [
    ("/", "Archival documents as linked open data"),
    ("/id/person/kim-du-bong", "Kim Du-bong"),
    ("/id/person/a-m-puzanov", "A. M. Puzanov"),
    ("/id/group/kwp-cc-presidium", "KWP CC Presidium"),
    ("/id/place/pyongyang", "Pyongyang"),
    (f"/id/document/{DOC}", "Journal of Soviet Ambassador to the DPRK"),
    (f"/id/event/{DOC}-event-1", "Conversation: A. M. Puzanov"),
    ("/id/concept/planned", "planned"),
    (f"/id/annotation/{DOC}-mention-3", "names Jeong Il-yong"),
    ("/id/person/", "People"),
    ("/ns/", "Vocabulary"),
    ("/search?q=Kim+Il-sung", "Search"),
    ("/sparql", "SPARQL"),
    (
        "/sparql?"
        + urlencode(
            {
                "query": "SELECT ?p ?name WHERE { ?p a <http://www.cidoc-crm.org/cidoc-crm/E21_Person> ; "
                "<http://www.w3.org/2000/01/rdf-schema#label> ?name } LIMIT 20"
            }
        ),
        "SPARQL",
    ),
]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Debian's chromium is not installed: `make test` installs it (apt-get install chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.mark.parametrize(("path", "heading"), PAGES, ids=[p for p, _ in PAGES])
def test_page_in_chromium(browser: Browser, server: str, tmp_path: Path, path: str, heading: str) -> None:
    page = browser.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(f"console {message.type}: {message.text}") if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))

    def check_response(response: Any) -> None:
        if response.url.startswith(server) and response.status >= 400:
            problems.append(f"{response.status}: {response.url}")

    page.on("response", check_response)
    response = page.goto(server.rstrip("/") + path, wait_until="load")
    assert response is not None and response.status == 200
    assert heading in page.inner_text("h1")
    screenshot = tmp_path / "page.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 5000
    links = page.eval_on_selector_all("a[href]", "elements => elements.map(e => e.getAttribute('href'))")
    page.close()
    assert not problems, "\n".join(problems)
    targets = {urljoin(server.rstrip("/") + path, href).split("#", 1)[0] for href in links if not href.startswith("#")}
    assert not [t for t in targets if t.startswith("http://127.0.0.1:") and not t.startswith(server)], targets
    local = sorted(t for t in targets if t.startswith(server))
    assert local
    with httpx.Client(follow_redirects=True) as http:
        for target in local:
            assert http.get(target, headers={"Accept": "text/html"}).status_code == 200, target


def test_document_page_highlights_mentions(browser: Browser, server: str) -> None:
    page = browser.new_page()
    page.goto(f"{server}data/document/{DOC}.html#{DOC}-mention-40", wait_until="load")
    marks = page.eval_on_selector_all("a.mention", "elements => elements.length")
    assert marks == 102
    target = page.eval_on_selector(f"#{DOC}-mention-40", "e => [e.textContent, e.getAttribute('href')]")
    assert target[1].startswith("/id/")
    assert "An hour and a half".lower() in page.inner_text("#text").lower()
    page.close()


@pytest.mark.parametrize("path", ["/", "/id/person/kim-du-bong", f"/id/document/{DOC}", "/sparql"])
def test_the_search_box_on_every_page_finds_a_spelling(browser: Browser, server: str, path: str) -> None:
    """Typed into the header's box, another spelling of a name leads to the person's page."""
    page = browser.new_page()
    page.goto(server.rstrip("/") + path, wait_until="load")
    page.fill("header input[name=q]", "KIM IL-SUNG")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    assert "Search" in page.inner_text("h1")
    first = page.eval_on_selector("main li a", "e => [e.textContent, e.getAttribute('href')]")
    assert first == ["Kim Il Sung", f"{server}id/person/kim-il-sung"]
    page.close()
