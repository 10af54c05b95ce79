"""Finding the dataset's files under ``dataset_source``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from container.errors import ContractError


def discover_files(root: Path) -> list[Path]:
    """Every regular file below ``root``, recursively, in a stable order; hidden files and
    Spark/Hadoop markers (``_SUCCESS``, ``.crc``) are skipped."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise ContractError(f"dataset_source={str(root)!r} does not exist; mount the captured data there or fix the variable.")
    return sorted(
        p for p in root.rglob("*") if p.is_file() and not any(part.startswith((".", "_")) for part in p.relative_to(root).parts)
    )


def iter_line_blocks(path: Path, block_bytes: int) -> Iterator[tuple[int, bytes, int]]:
    """Yield ``(first_line_number, bytes, newline_count)`` blocks that end on a line boundary, so one huge file
    is read in bounded pieces. A last line without a newline is yielded as it is; so is a line
    longer than two blocks (it will be counted as malformed), so memory stays bounded."""
    line_no = 1
    carry = b""
    with path.open("rb") as handle:
        while chunk := handle.read(block_bytes):
            chunk = carry + chunk
            cut = chunk.rfind(b"\n")
            if cut < 0:
                carry = chunk
                if len(carry) >= 2 * block_bytes:
                    yield line_no, carry, 0
                    carry = b""
                continue
            block, carry = chunk[: cut + 1], chunk[cut + 1 :]
            newlines = block.count(b"\n")
            yield line_no, block, newlines
            line_no += newlines
    if carry:
        yield line_no, carry, 0
