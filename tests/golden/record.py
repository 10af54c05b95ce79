"""Record the golden outputs of every case in :mod:`tests.golden.cases` (issue 14's safety net).

    .venv/bin/python -m tests.golden.record            # rewrites tests/golden/expected/
    .venv/bin/python -m tests.golden.record --check    # runs everything, compares, writes nothing
    .venv/bin/python -m tests.golden.record --rev 3d73de2   # the container of a commit, not the working tree

The tree in ``expected/`` was first recorded with ``--rev 3d73de2`` (the last commit before the redesign,
"Thousands of tiny capture files..."): the cases' inputs come from this working tree, the container from
that commit. Checked identical in four runs: random PYTHONHASHSEED, 0, 999 on one CPU (taskset -c 0).
Re-recorded once since, when sums became exact (analyzers/exact_sum.py): only ``sum`` and ``mean`` (now the
exact value correctly rounded, e.g. 483.444 where the float sum gave 483.4440000000001), the CloudWatch
``Sum`` taken from them, and ``std_dev`` in its last digit changed. And once more when the expectation suite
stopped seeing the bias step's record key as a column of the data (dq_monitor_drift_suite_bias: the false
``expect_table_columns_to_match_set`` violation went, 18 violations became 17).

Each case runs as SageMaker runs the image: a fresh ``python -m container`` process with the case's
environment and its own SAGEMAKER_BASE_DIR. Every file under that folder (output_path, output/message,
output/metrics/cloudwatch/...) is kept as ``expected/<case>/<path relative to the base folder>``; the
input files are not under it. Cases run two at a time, each after the cases whose outputs it reads.

Normalisation (:func:`normalise`, the only one): the outputs are byte-identical between runs, across
PYTHONHASHSEED values, except for one thing that legitimately varies:

- the work folder's absolute path (a fresh temporary folder per run) where an output names an input or
  output file, e.g. a ClientError message naming the suite it refused: every occurrence of the work
  folder's path is replaced by ``<work>``.

The pages people read (``report.html``, ``trend.html``) are not kept: they are drawn from the documents
kept here, tested on their own (tests/e2e/test_report_page.py), and compared byte for byte between the image
and the in-process run by scripts/test_image.sh.

Nothing else is rewritten: no timestamps, durations, pids or hostnames occur in any output (metric
timestamps come from ``end_time``), and a new varying field makes the golden test fail rather than
being hidden.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT
from tests.golden.cases import CASES, Case, base_dir, case_env, waves
from tests.golden.inputs import build_inputs

EXPECTED = Path(__file__).parent / "expected"
WORKERS = 2


@dataclass(frozen=True)
class Result:
    case: Case
    returncode: int
    stdout: str
    files: dict[str, bytes]  # path relative to the base folder (posix) -> normalised bytes
    seconds: float


def normalise(data: bytes, work: Path) -> bytes:
    """The one documented rule: the run's work folder path becomes ``<work>``."""
    return data.replace(str(work).encode(), b"<work>")


def export_revision(rev: str, into: Path) -> Path:
    """The tree of git revision ``rev`` (production code as committed), written to ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def run_case(case: Case, work: Path, source: Path = ROOT) -> Result:
    """One case as a fresh ``python -m container`` process; ``source`` is the checkout whose ``container``
    runs (the working tree, or an exported revision)."""
    base = base_dir(work, case.name)
    base.mkdir(parents=True)
    env = {"PATH": os.environ.get("PATH", ""), "SAGEMAKER_BASE_DIR": str(base), **case_env(case, work)}
    if "PYTHONHASHSEED" in os.environ:
        env["PYTHONHASHSEED"] = os.environ["PYTHONHASHSEED"]
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "container"], cwd=source, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    files = {
        path.relative_to(base).as_posix(): normalise(path.read_bytes(), work)
        for path in sorted(base.rglob("*"))
        if path.is_file() and path.suffix != PAGE_SUFFIX
    }
    return Result(case, done.returncode, done.stdout + done.stderr, files, time.monotonic() - start)


PAGE_SUFFIX = ".html"


def run_all(work: Path, cases: list[Case] = CASES, workers: int = WORKERS, source: Path = ROOT) -> dict[str, Result]:
    """Build the inputs, then run the cases ``workers`` at a time, each once the cases it needs are done
    (in list order among the ready ones)."""
    waves(cases)  # refuses unmet or circular needs
    build_inputs(work)
    results: dict[str, Result] = {}
    pending = list(cases)
    running: dict[Future[Result], Case] = {}
    with ThreadPoolExecutor(workers) as pool:
        while pending or running:
            for case in [c for c in pending if set(c.needs) <= set(results)][: workers - len(running)]:
                pending.remove(case)
                running[pool.submit(run_case, case, work, source)] = case
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                del running[future]
                result = future.result()
                results[result.case.name] = result
    return {c.name: results[c.name] for c in cases}


def expected_files(name: str, root: Path = EXPECTED) -> dict[str, bytes]:
    folder = root / name
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def compare(result: Result, expected: dict[str, bytes], context: int = 2, max_lines: int = 40) -> str | None:
    """None when the outputs equal the expected ones byte for byte, else what differs: missing and
    extra files, the exit code, and a short unified diff of the first differing file."""
    problems = []
    if result.returncode != result.case.exit_code:
        problems.append(f"exit code {result.returncode}, expected {result.case.exit_code}")
    missing, extra = sorted(set(expected) - set(result.files)), sorted(set(result.files) - set(expected))
    if missing:
        problems.append(f"missing files: {missing}")
    if extra:
        problems.append(f"unexpected files: {extra}")
    differing = [p for p in sorted(set(expected) & set(result.files)) if expected[p] != result.files[p]]
    if differing:
        first = differing[0]
        problems.append(f"{len(differing)} file(s) differ: {differing}; first, {first}:")
        old = expected[first].decode("utf-8", "replace").splitlines(keepends=True)
        new = result.files[first].decode("utf-8", "replace").splitlines(keepends=True)
        diff = list(difflib.unified_diff(old, new, f"expected/{first}", f"actual/{first}", n=context))
        if len(old) <= 1 and len(new) <= 1 and len(old[0] if old else "") > 200:
            diff = _one_line_diff(old[0] if old else "", new[0] if new else "", first)
        problems.append("".join(diff[:max_lines]).rstrip("\n") + ("\n..." if len(diff) > max_lines else ""))
    if problems and result.returncode != result.case.exit_code:
        problems.append("job output (tail):\n" + result.stdout[-2000:])
    return "\n".join(problems) if problems else None


def _one_line_diff(old: str, new: str, name: str) -> list[str]:
    """For a long one-line file (compact JSON), the neighbourhood of the first differing character."""
    at = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    low = max(0, at - 120)
    return [
        f"--- expected/{name}\n",
        f"+++ actual/{name}\n",
        f"@@ char {at} @@\n",
        f"-{old[low : at + 120]}\n",
        f"+{new[low : at + 120]}\n",
    ]


def write_expected(results: dict[str, Result], root: Path = EXPECTED) -> None:
    if root.exists():
        shutil.rmtree(root)
    for name, result in results.items():
        assert result.returncode == result.case.exit_code, f"{name}: exit {result.returncode}\n{result.stdout[-3000:]}"
        for relative, data in result.files.items():
            path = root / name / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with the expected tree instead of rewriting it")
    parser.add_argument(
        "--rev", help="run the container of this git revision (exported with git archive), not the working tree's"
    )
    parser.add_argument("--out", type=Path, default=EXPECTED, help="where the expected tree goes (default: %(default)s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="golden-") as tmp:
        source = export_revision(args.rev, Path(tmp) / "source") if args.rev else ROOT
        results = run_all(Path(tmp) / "work", source=source)
    if not args.check:
        write_expected(results, args.out)
        size = sum(len(d) for r in results.values() for d in r.files.values())
        for name, result in results.items():
            print(f"{result.seconds:6.1f} s  {name}")
        print(f"{len(results)} cases, {sum(len(r.files) for r in results.values())} files, {size} bytes -> {args.out}")
        return 0
    failed = 0
    for name, result in results.items():
        problem = compare(result, expected_files(name, args.out))
        if problem:
            failed += 1
            print(f"== {name}\n{problem}\n")
    print(f"{len(results) - failed} of {len(results)} cases identical")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
