"""What the benchmarks share: database setup and seeding, the server under test, wrk and pgbench
runs, the quiet-machine wait, profiling and reporting. Scripts in bench/ import it as `lib`."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
