"""Files read only inside what the person opened (issue 16, class 9), found by an adversarial review.

A folder opened as views can be someone else's: a link in it (`secret.csv -> ~/private.csv`, a
relative `../`, or a plain name inside a linked subfolder) had the outside file read, sampled
and sent to the model; a link to a file that is not data (`notes.csv -> readme.txt`) crashed
with a traceback. Every file is now judged by its real path: outside the folder (or, for a file
named directly, outside its own folder) it is refused in one line, not data it is one line, and
DuckDB's own allowed paths are read back so a file swapped for a link after the check is refused.
DuckDB only: PostgreSQL opens no files.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tools.databases.base import DatabaseOpenError, Limits, QueryResult

SECRET = "sk-outside-7c41"


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """A folder the person never opened, holding data worth stealing and a text file."""
    folder = tmp_path / "private"
    folder.mkdir()
    (folder / "keys.csv").write_text(f"name,key\nprod,{SECRET}\n")
    (folder / "notes.txt").write_text(f"key,{SECRET}\n")
    return folder


@pytest.fixture()
def shared(tmp_path: Path) -> Path:
    """The folder the person opens: one real data file."""
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "sales.csv").write_text("region,amount\nnorth,10\nsouth,20\n")
    return folder


def _open(target: Path, cache: Path) -> object:
    from tools.databases.duckdb import open_duckdb

    return open_duckdb(target, cache)


def _links_outside(shared: Path, outside: Path) -> list[str]:
    """Every way tried to reach `outside` from a name inside `shared`."""
    os.symlink(outside / "keys.csv", shared / "absolute.csv")
    os.symlink(Path("..") / outside.name / "keys.csv", shared / "relative.csv")
    os.symlink(outside, shared / "linked_dir")  # a linked subfolder, then a link through it
    os.symlink(Path("linked_dir") / "keys.csv", shared / "through_dir.csv")
    os.symlink(outside / "keys.csv", shared / ".hidden.parquet")
    return ["absolute.csv", "relative.csv", "through_dir.csv", ".hidden.parquet"]


def test_links_to_files_outside_an_opened_folder_are_left_out_and_never_read(
    shared: Path, outside: Path, tmp_path: Path
) -> None:
    names = _links_outside(shared, outside)
    database = _open(shared, tmp_path / "cache")
    try:
        catalog = database.catalog()  # type: ignore[attr-defined]
        assert [t.name for t in catalog.tables] == ["sales"]
        assert SECRET not in repr(catalog)  # nothing sampled, counted or described from outside
        notices = database.notices  # type: ignore[attr-defined]
        for name in names:
            assert any(n.startswith(f"left out {name}: it is a link to a file outside") for n in notices), notices
        assert all(SECRET not in n for n in notices)
        # DuckDB itself may read only the opened file: not the outside one, by any spelling
        for path in (outside / "keys.csv", shared / "absolute.csv", shared / "linked_dir" / "keys.csv"):
            result = database.execute(f"SELECT * FROM read_csv('{path}')", Limits(timeout_s=10))  # type: ignore[attr-defined]
            assert not isinstance(result, QueryResult), path
            assert SECRET not in result.message
    finally:
        database.close()  # type: ignore[attr-defined]


def test_an_opened_folder_of_only_outside_links_fails_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, outside: Path, analyst_home: Path
) -> None:
    folder = tmp_path / "only_links"
    folder.mkdir()
    os.symlink(outside / "keys.csv", folder / "keys.csv")
    result = run_cli(["schema", "--db", str(folder)], capsys)
    assert result.code == 4, result.err
    assert len(result.err.strip().splitlines()) == 1 and "outside" in result.err, result.err
    assert SECRET not in result.out + result.err


def test_the_cli_shows_no_outside_value_and_says_what_it_left_out(
    capsys: pytest.CaptureFixture[str], shared: Path, outside: Path, analyst_home: Path
) -> None:
    _links_outside(shared, outside)
    result = run_cli(["schema", "--db", str(shared), "--format", "json"], capsys)
    assert result.code == 0, result.err
    assert [t["name"] for t in result.json()["tables"]] == ["main.sales"]
    assert SECRET not in result.out + result.err
    assert "Traceback" not in result.err
    assert "left out absolute.csv: it is a link to a file outside the folder you opened" in result.err


@pytest.mark.parametrize("kind", ["outside", "not_data", "dangling", "directory"])
def test_a_link_named_directly_that_is_not_data_inside_its_folder_fails_in_one_line(
    kind: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, outside: Path, analyst_home: Path
) -> None:
    folder = tmp_path / "here"
    folder.mkdir()
    (folder / "readme.txt").write_text("about\n")
    (folder / "sub").mkdir()
    targets = {
        "outside": outside / "keys.csv",
        "not_data": folder / "readme.txt",
        "dangling": folder / "gone.csv",
        "directory": folder / "sub",
    }
    link = folder / "data.csv"
    os.symlink(targets[kind], link)
    result = run_cli(["schema", "--db", str(link)], capsys)
    assert result.code == 4, (kind, result.err)
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert "Traceback" not in result.err and SECRET not in result.out + result.err


def test_links_to_non_data_inside_a_folder_are_left_out_with_a_notice(
    shared: Path, tmp_path: Path, outside: Path
) -> None:
    (shared / "readme.txt").write_text("about the data\n")
    os.symlink(shared / "readme.txt", shared / "notes.csv")  # crashed with KeyError before
    os.symlink(shared / "missing.csv", shared / "dangling.csv")
    (shared / "sub.json").mkdir()
    os.symlink(shared / "sub.json", shared / "dir_link.json")
    os.mkfifo(shared / "pipe.csv")  # must not hang the open
    database = _open(shared, tmp_path / "cache")
    try:
        assert [t.name for t in database.catalog().tables] == ["sales"]  # type: ignore[attr-defined]
        notices = " | ".join(database.notices)  # type: ignore[attr-defined]
        assert "left out notes.csv: it is a link to readme.txt, which is not a CSV, Parquet or JSON file" in notices
        assert "left out dangling.csv: it is a link to a file that does not exist" in notices
        assert "left out dir_link.json: it is not a regular file" in notices
        assert "pipe.csv" in next(n for n in database.notices if n.startswith("not read in"))  # type: ignore[attr-defined]
    finally:
        database.close()  # type: ignore[attr-defined]


def test_links_that_stay_inside_are_followed(shared: Path, tmp_path: Path) -> None:
    """Legitimate layouts keep working: a link to a file in the same folder or below it, and a
    folder (or a single file) opened through a link to it."""
    (shared / "archive").mkdir()
    (shared / "archive" / "stores.csv").write_text("store\nams\n")
    os.symlink(Path("archive") / "stores.csv", shared / "stores.csv")
    os.symlink(shared / "sales.csv", shared / "sales_again.csv")  # the same file twice: one view
    opened_via = tmp_path / "via_link"
    os.symlink(shared, opened_via)
    database = _open(opened_via, tmp_path / "cache")
    try:
        assert sorted(t.name for t in database.catalog().tables) == ["sales", "stores"]  # type: ignore[attr-defined]
    finally:
        database.close()  # type: ignore[attr-defined]
    single = _open(opened_via / "sales.csv", tmp_path / "cache")
    try:
        result = single.execute("SELECT sum(amount) FROM sales", Limits(timeout_s=10))  # type: ignore[attr-defined]
        assert isinstance(result, QueryResult) and result.rows == ((30,),)
    finally:
        single.close()  # type: ignore[attr-defined]


def test_a_file_swapped_for_a_link_after_the_check_is_refused_by_the_connection(
    shared: Path, outside: Path, tmp_path: Path
) -> None:
    """DuckDB stores allowed paths with links followed; the connection reads them back, so a
    file judged inside and then replaced by a link to an outside file never opens."""
    from tools.databases.duckdb.connection import EngineSettings, connect
    from tools.databases.duckdb.file_views import build_view_catalog, data_files_in

    files = data_files_in(shared).files
    catalog, _ = build_view_catalog(list(files), tmp_path / "views")
    (shared / "sales.csv").unlink()
    os.symlink(outside / "keys.csv", shared / "sales.csv")
    with pytest.raises(DatabaseOpenError, match="now a link"):
        connect(catalog, "views", EngineSettings(), files, tmp_path / "spill")
