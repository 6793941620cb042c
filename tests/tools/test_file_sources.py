"""CSV/Parquet/JSON files and folders as databases: what is read, what is left out (and said),
and what opening leaves behind in the cache (nothing it does not need)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.helpers import run_cli


def make_folder(root: Path) -> Path:
    folder = root / "data"
    folder.mkdir()
    (folder / "sales.csv").write_text("region,amount\nnorth,10\nsouth,20\n")
    (folder / "broken.csv").write_bytes(bytes(range(256)) * 40)  # not CSV at all
    (folder / "empty.csv").write_text("")
    (folder / "readme.txt").write_text("about the data\n")
    (folder / "old").mkdir()
    (folder / "old" / "regions.csv").write_text("region\nnorth\n")
    (folder / ".DS_Store").write_text("x")
    return folder


def test_a_folder_reads_what_it_can_and_says_what_it_left_out(capsys, tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    for _ in range(2):  # the second open comes from the cache and must say the same
        result = run_cli(["schema", "--db", str(folder), "--format", "json"], capsys)
        assert result.code == 0, result.err
        assert [t["name"] for t in result.json()["tables"]] == ["main.sales"]
        warnings = [line for line in result.err.splitlines() if line.startswith("analyst: warning:")]
        assert any("left out cannot read broken.csv" in w for w in warnings), result.err
        assert any("left out empty.csv: the file is empty" in w for w in warnings), result.err
        ignored = next(w for w in warnings if "not read in" in w)
        assert "old/" in ignored and "readme.txt" in ignored and ".DS_Store" not in ignored


def test_a_single_unreadable_file_or_a_folder_of_them_fails_as_one_line(
    capsys, tmp_path: Path, analyst_home: Path
) -> None:
    bad = tmp_path / "broken.csv"
    bad.write_bytes(bytes(range(256)) * 40)
    single = run_cli(["schema", "--db", str(bad)], capsys)
    assert single.code == 4 and "cannot read broken.csv" in single.err and len(single.err.strip().splitlines()) == 1
    only_bad = tmp_path / "bad"
    only_bad.mkdir()
    (only_bad / "a.csv").write_bytes(bytes(range(256)) * 40)
    (only_bad / "b.csv").write_text("")
    folder = run_cli(["schema", "--db", str(only_bad)], capsys)
    assert folder.code == 4 and "no readable data file" in folder.err
    views = analyst_home / "cache" / "views"
    assert not [p.name for p in views.iterdir() if p.name.startswith(".views-")]  # no half-built catalogs


def test_spill_folders_are_removed_and_dead_processes_leftovers_cleaned(
    capsys, tmp_path: Path, analyst_home: Path
) -> None:
    spill = analyst_home / "cache" / "duckdb-tmp"
    spill.mkdir(parents=True)
    stale = spill / "999999999"  # no such process
    stale.mkdir()
    (stale / "spill.tmp").write_text("x")
    mine = spill / f"{os.getpid()}-other"
    mine.mkdir()
    folder = make_folder(tmp_path)
    for _ in range(3):
        assert run_cli(["schema", "--db", str(folder)], capsys).code == 0
    assert not stale.exists()
    assert sorted(p.name for p in spill.iterdir()) == [mine.name]  # each open's own folder went on close


def test_a_permission_fix_alone_makes_the_folder_read_again(tmp_path: Path) -> None:
    import time

    from tools.databases.duckdb.file_views import build_view_catalog, data_files_in

    folder = make_folder(tmp_path)
    files = list(data_files_in(folder).files)
    first, _ = build_view_catalog(files, tmp_path / "views", skip_unreadable=True)
    time.sleep(0.01)
    os.chmod(folder / "sales.csv", 0o644)  # only the inode's change time moves
    second, _ = build_view_catalog(files, tmp_path / "views", skip_unreadable=True)
    assert first != second  # a new catalog is built rather than the cached one with its notices
