"""A disk that will not take the file: real refusals from the operating system (a process file
size limit, RLIMIT_FSIZE), in a child process, with a clear message and nothing half done."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

LIMIT = 1 << 20  # bytes any one file of the child may reach


def _callq_with_a_size_limit(*argv: str, limit: int = LIMIT) -> subprocess.CompletedProcess:
    code = textwrap.dedent(
        f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
        resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
        from tui.cli import main
        sys.exit(main({list(argv)!r}))
        """
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_rejects_too_big_to_write_mean_nothing_imported(cli, db_path, tmp_path):
    sheet = tmp_path / "leads.csv"
    # 4,000 refused rows (their problems all held in memory) of 300 bytes: 1.2 MB of rejects.
    bad = "".join(f"Bad {i},+1212555{i:04d},not-an-email-{'x' * 260}\n" for i in range(4_000))
    sheet.write_text("Name,Phone,Email\nAna Silva,+12125550100,ana@example.com\n" + bad)
    result = _callq_with_a_size_limit(
        "--db", str(db_path), "import", str(sheet), "--skip-invalid", "--default-zone", "UTC"
    )
    assert result.returncode == 1, result.stderr
    assert "leads.rejects.csv: cannot write the rejected rows (File too large)" in result.stderr
    assert "nothing imported" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "leads.rejects.csv").exists()
    assert cli("lead", "list", "--json").json == []


def test_problems_too_many_to_keep_mean_nothing_imported(cli, db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where the problems past the first 5,000 go
    sheet = tmp_path / "leads.csv"
    bad = "".join(f"Bad {i},+1212555{i % 10_000:04d},x{i}\n" for i in range(20_000))
    sheet.write_text("Name,Phone,Email\nAna Silva,+12125550100,ana@example.com\n" + bad)
    result = _callq_with_a_size_limit("--db", str(db_path), "import", str(sheet))
    assert result.returncode == 1, result.stderr
    assert f"{tmp_path}: cannot keep the list of problems (File too large)" in result.stderr
    assert "Traceback" not in result.stderr
    assert cli("lead", "list", "--json").json == []


def test_an_export_too_big_to_write_leaves_no_file(cli, db_path, tmp_path):
    assert cli("demo", "--leads", "600").code == 0
    out = tmp_path / "leads.json"
    # 256 KiB: the database is only read; the export would be about 600 KiB.
    result = _callq_with_a_size_limit(
        "--db", str(db_path), "--rep", "ana", "export", "--format", "json", "--out", str(out),
        limit=1 << 18,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert f"{out}: cannot write (File too large); nothing exported" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.glob("*leads.json*")) == []
    assert json.loads(cli("export", "--format", "json").out)  # the data itself is fine
