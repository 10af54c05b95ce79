"""``post_analytics_processor_script``: the user's ``postprocess_handler()`` after the outputs are written.

AWS calls it with no argument once the analysis has written its files; it may read them and write or
rewrite files in the output folder (its path is the job's ``output_path`` variable). Our outputs are
copied aside first: when the handler raises, every file is put back as we wrote it and the files it added
are removed, and the job ends with a ``ClientError`` that names the script and says the analysis itself
finished (its message kept), so the failure is the user's and nothing half-written is uploaded.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import traceback
from pathlib import Path

from container.errors import ClientError
from container.hooks.script import UserScript
from container.write.atomic import write_text

log = logging.getLogger(__name__)


def run_post_analytics(script: UserScript, output: Path, analysis_message: str) -> None:
    handler = script.function("postprocess_handler")
    before = _files(output)
    with tempfile.TemporaryDirectory(prefix="monitor-outputs-") as kept:
        for relative in before:
            target = Path(kept) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(output / relative, target)
        log.info("running postprocess_handler() of %s", script.location)
        try:
            handler()
        except Exception as exc:  # noqa: BLE001 - the user's code: any failure is theirs to read about
            log.error("postprocess_handler() of %s raised:\n%s", script.location, traceback.format_exc())
            _restore(output, Path(kept), before)
            raise ClientError(
                f"{script.setting}={script.location!r}: postprocess_handler() raised {type(exc).__name__}: "
                f"{str(exc)[:160]}. The monitor's own outputs are written and unchanged; the analysis said: "
                f"{analysis_message}"
            ) from None
    after = _files(output)
    changed = sorted(set(after) - set(before))
    log.info("postprocess_handler() finished; files it added: %s", ", ".join(map(str, changed)) or "none")


def _files(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def _restore(output: Path, kept: Path, before: list[Path]) -> None:
    for added in set(_files(output)) - set(before):
        (output / added).unlink(missing_ok=True)
    for relative in before:  # our outputs are text: put back atomically, as they were first written
        write_text(output / relative, (kept / relative).read_text(encoding="utf-8"))
    log.warning("restored the %d output file(s) as the monitor wrote them", len(before))
