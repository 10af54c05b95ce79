"""Write ``trend.html`` for a schedule from its past runs' outputs: a local folder or the ``report_s3_uri`` hours.

    python scripts/report_trend.py HISTORY [-o trend.html] [--last 48] [--title churn-hourly]

HISTORY is a folder whose sub-folders are runs' output folders (any depth; each holds a statistics.json or a
constraint_violations.json), or the s3:// prefix given to the job as ``report_s3_uri`` (its yyyy/mm/dd/hh
folders; standard AWS credentials, region and AWS_ENDPOINT_URL* variables). The latest run is the one
highlighted. The job writes the same page itself when its analysis config sets ``report.history``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from container.errors import ClientError
from container.html import history
from container.html.documents import read_run
from container.html.trend import trend_page
from container.write.atomic import write_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("history", help="folder of past runs' outputs, or the s3:// report prefix")
    parser.add_argument("-o", "--output", type=Path, default=Path("trend.html"))
    parser.add_argument("--last", type=int, default=48, help="how many of the latest runs to show (0: all)")
    parser.add_argument("--title", default=None, help="the page's title (default: the history's name)")
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="monitor-history-") as scratch:
            found = history.runs(args.history, Path(scratch), args.last)
            runs = [(label, read_run(folder)) for label, folder in found]
    except ClientError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not runs:
        print(f"error: no run found under {args.history} (no statistics.json or constraint_violations.json)", file=sys.stderr)
        return 2
    title = args.title or args.history.rstrip("/").rsplit("/", 1)[-1]
    write_text(args.output, trend_page(runs, len(runs) - 1, title))
    print(f"{args.output}: {len(runs)} run(s), {runs[0][0]} to {runs[-1][0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
