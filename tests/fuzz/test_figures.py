"""The README's hardening figures are those of a recorded run of the suite, not typed by hand."""

from __future__ import annotations

import json
from pathlib import Path

from fuzz.figures import README, RECORD, publish, readme_block, table


def test_the_readme_table_is_the_recorded_run() -> None:
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    assert record["long"]["inputs"] >= 10_000
    assert all(run["failed"] == run["tracebacks"] == run["lost"] == 0 for run in record.values())
    assert readme_block(README.read_text(encoding="utf-8")) == table(record)


def test_publish_writes_a_passing_run_and_refuses_a_failing_one(tmp_path: Path) -> None:
    run = {"profile": "ci", "inputs": 1234, "faults": 56, "tracebacks": 0, "lost": 0,
           "failed": 0, "seconds": 61.0, "slowest_ms": 12.3, "by_test": {}}  # fmt: skip
    latest, readme, record = tmp_path / "latest", tmp_path / "README.md", tmp_path / "rec.json"
    latest.write_text(json.dumps(run), encoding="utf-8")
    readme.write_text(README.read_text(encoding="utf-8"), encoding="utf-8")
    figures = publish(latest, readme, record)
    assert "- `ci` run: tried 1,234 generated inputs, 56 injected faults: 0 tracebacks, 0 lost" in (
        figures
    )
    assert readme_block(readme.read_text(encoding="utf-8")) == figures
    latest.write_text(json.dumps(run | {"failed": 1, "tracebacks": 1}), encoding="utf-8")
    try:
        publish(latest, readme, record)
    except SystemExit as refused:
        assert "not published" in str(refused)
    else:
        raise AssertionError("a failing run was published")
