"""The `lod` command, through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from lod.cli import main
from lod.settings import Settings
from tests.conftest import SEED

HERE = Path(__file__).parent


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_ingest_reports_bad_pages_and_processes_the_others(data_copy: Path, tmp_path: Path) -> None:
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.4\x00\x01\x02")
    report = tmp_path / "report.json"
    pages = [
        str(HERE / "pages" / "listing-new.txt"),
        str(HERE / "pages" / "empty.txt"),
        str(binary),
        str(tmp_path / "missing.txt"),
        str(SEED),
        str(HERE / "pages" / "no-date.txt"),
    ]
    code, out, err = run("--data-dir", str(data_copy), "ingest", *pages, "--report", str(report))
    assert code == 1
    assert f"error {HERE / 'pages' / 'listing-new.txt'}:5: a search listing ('1 - 10 of 108'), not a document" in err
    assert f"error {HERE / 'pages' / 'empty.txt'}:1: the file is empty" in err
    assert f"error {binary}:1: the file is binary" in err
    assert f"error {tmp_path / 'missing.txt'}: cannot read" in err
    assert f"error {HERE / 'pages' / 'no-date.txt'}:3: no recognisable date line" in err
    assert "1 of 6 page(s) ingested" in err
    assert "Traceback" not in out + err
    assert (
        f"ok    {SEED} → {data_copy}/document/"
        "journal-soviet-ambassador-dprk-am-puzanov-25-october-1957.trig (107 records)" in out
    )
    assert "unresolved name 'Party Committee'" in out
    outcomes = json.loads(report.read_text())
    assert [o["error"] is None for o in outcomes] == [False, False, False, False, True, False]
    assert {p["field"] for p in outcomes[4]["problems"]} == {"name"}


def test_pages_of_one_slug_do_not_overwrite_each_other(data_copy: Path, tmp_path: Path) -> None:
    """Long titles that differ only at the end get slugs of their own; a second page of the same
    title and date in one run is an error, and the first page's file stays as it was written."""
    text = SEED.read_text(encoding="utf-8")
    title = "Journal of Soviet Ambassador to the DPRK A.M. Puzanov for 25 October 1957"
    long = "Journal of Soviet Ambassador to the DPRK A.M. Puzanov for the Period 25 October 1957 to 26 October 1957"
    pages = []
    for name, number in (("one", 1), ("two", 2), ("again", 1)):
        page = tmp_path / f"{name}.txt"
        page.write_text(text.replace(title, f"{long} (no. {number})"), encoding="utf-8")
        pages.append(page)
    code, out, err = run("--data-dir", str(data_copy), "ingest", *map(str, pages))
    written = {line.split(" → ")[1].split(" (")[0] for line in out.splitlines() if line.startswith("ok ")}
    assert code == 1 and len(written) == 2 and all(Path(w).exists() for w in written)
    assert all(Path(w).name.startswith("journal-soviet-ambassador-dprk-am-puzanov-period-25-october") for w in written)
    assert f"error {pages[2]}: is document " in err and f"too, as {pages[0]} is (the same title and date)" in err
    assert "2 of 3 page(s) ingested" in err
    first = next(w for w in written if f"from {pages[0].name}" in Path(w).read_text(encoding="utf-8"))
    assert "(no. 1)" in Path(first).read_text(encoding="utf-8")


def test_ingest_dry_run_writes_nothing(data_copy: Path) -> None:
    target = data_copy / "document" / "journal-soviet-ambassador-dprk-am-puzanov-25-october-1957.trig"
    target.unlink()
    code, out, _ = run("--data-dir", str(data_copy), "ingest", "--dry-run", str(SEED))
    assert code == 0 and "(107 records)" in out
    assert not target.exists()


def test_build_failure_is_a_message_not_a_traceback(data_copy: Path, tmp_path: Path) -> None:
    (data_copy / "place" / "nowhere.ttl").write_text("this is not turtle")
    code, _, err = run("--data-dir", str(data_copy), "--var-dir", str(tmp_path / "var"), "build")
    assert code == 1
    assert "build failed; the served store is unchanged." in err
    assert f"{data_copy / 'place' / 'nowhere.ttl'}: [syntax] not valid Turtle" in err
    assert "Traceback" not in err


def test_query_formats_and_errors(built_embedded: Settings) -> None:
    code, out, _ = run(
        "--var-dir",
        built_embedded.var_dir,
        "query",
        "SELECT ?l WHERE { <http://127.0.0.1:8000/id/person/nam-il> <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
    )
    assert code == 0 and out.splitlines() == ["l     ", "Nam Il"]
    code, out, _ = run(
        "--var-dir",
        built_embedded.var_dir,
        "query",
        "--format",
        "csv",
        "SELECT ?l WHERE { <http://127.0.0.1:8000/id/person/nam-il> <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
    )
    assert out.splitlines() == ["l", "Nam Il"]
    code, out, _ = run("--var-dir", built_embedded.var_dir, "query", "ASK { ?s ?p ?o }")
    assert out.strip() == "true"
    code, _, err = run("--var-dir", built_embedded.var_dir, "query", "SELEKT nonsense")
    assert code == 1 and "SPARQL syntax error" in err and "Traceback" not in err


def test_query_without_a_build(tmp_path: Path) -> None:
    code, _, err = run("--var-dir", str(tmp_path / "empty"), "query", "ASK {}")
    assert code == 1 and "run `lod build` first" in err


def test_get_answers_one_request(built_embedded: Settings) -> None:
    code, out, err = run("--var-dir", built_embedded.var_dir, "get", "/data/place/pyongyang", "--accept", "text/turtle")
    assert code == 0 and "200 OK" in err
    assert "<http://www.wikidata.org/entity/Q18808>" in out
    code, _, err = run("--var-dir", built_embedded.var_dir, "get", "/id/place/atlantis")
    assert code == 1 and "404 Not Found" in err


def test_bad_settings_are_named(tmp_path: Path) -> None:
    config = tmp_path / "lod.toml"
    config.write_text('port = "eighty"\n')
    code, _, err = run("--config", str(config), "settings")
    assert code == 1 and "setting 'port' must be a int" in err
    config.write_text("colour = 'blue'\n")
    code, _, err = run("--config", str(config), "settings")
    assert code == 1 and "unknown setting 'colour'" in err
    code, _, err = run("--base", "not-an-iri", "settings")
    assert code == 1 and "must be an absolute IRI" in err
