"""A seeded, uniform sample of the window's rows, mergeable across blocks, files and processes.

Each row gets a pseudo-random key from (file number, row number, seed) through SplitMix64; the
sample is the ``budget`` rows with the smallest keys. That is a uniform sample without replacement,
the same whatever order or process the files were read in, and it never holds more than ``budget``
rows plus one block.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa


def row_keys(file_index: int, first_row: int, count: int, seed: int) -> np.ndarray:
    """SplitMix64 of each row's position: distinct positions give independent-looking keys."""
    with np.errstate(over="ignore"):
        x = (np.uint64(file_index) << np.uint64(40)) + np.arange(first_row, first_row + count, dtype=np.uint64)
        x = x + np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


@dataclass(slots=True)
class RowSample:
    budget: int
    seed: int = 0
    table: pa.Table | None = None
    keys: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))

    def offer(self, table: pa.Table, file_index: int, first_row: int) -> None:
        self._keep(table, row_keys(file_index, first_row, table.num_rows, self.seed))

    def absorb(self, other: RowSample | None) -> None:
        if other is not None and other.table is not None:
            self._keep(other.table, other.keys)

    def _keep(self, table: pa.Table, keys: np.ndarray) -> None:
        if self.table is not None:
            table = pa.concat_tables([self.table, table], promote_options="permissive")
            keys = np.concatenate([self.keys, keys])
        if len(keys) > self.budget:
            chosen = np.argpartition(keys, self.budget - 1)[: self.budget]
            chosen = chosen[np.argsort(keys[chosen], kind="stable")]
            table, keys = table.take(pa.array(chosen)), keys[chosen]
        self.table, self.keys = table, keys
