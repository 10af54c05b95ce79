"""Reading a window on the cluster: the tasks one host would read, each run once, merged in one host's order.

``FullyReplicated``: every host holds every file, so the leader lists them and plans the tasks exactly as a
single host does (container/load/tasks.py); Dask runs each task once, wherever a worker is free. The parts,
and so every output, are those of a one-host run.

``ShardedByS3Key``: each host holds its own files. Every host lists its shard; the union, in the order one
host would list it, numbers the files; each run of consecutive files on one host is planned as a single host
plans files, and its tasks may run only on that host.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from container.cluster.remote import listing
from container.load.discover import discover_sized
from container.load.ingested import Ingested
from container.load.spec import ReadSpec
from container.load.tasks import Task, read_task, tasks

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Placed:
    task: Task
    address: str | None  # the host (its IP) that holds the task's files; None: any host


class DaskReader:
    """The ``PartReader`` of a leader's cluster (container/ingest.py)."""

    def __init__(self, client: Any, sharded: bool, hosts_by_address: dict[str, str]) -> None:
        self.client = client
        self.sharded = sharded
        self.hosts_by_address = hosts_by_address  # the joined hosts: address -> SageMaker host name

    def read(self, spec: ReadSpec) -> Iterator[Ingested]:
        plan = self._sharded_plan(spec) if self.sharded else self._replicated_plan(spec)
        # The spec goes with each task (a few kB), not scattered once: data scattered to a worker that is then
        # killed is lost for good, and every task needing it would wait forever.
        pinned = {"allow_other_workers": False}  # a shard's files exist on its host alone
        futures = [
            self.client.submit(
                read_task, spec, p.task, pure=False, **({} if p.address is None else {"workers": [p.address], **pinned})
            )
            for p in plan
        ]
        for future in futures:  # in plan order: the order one host reads the files
            part = future.result()
            future.release()
            yield part

    def _replicated_plan(self, spec: ReadSpec) -> list[Placed]:
        files, sizes = discover_sized(spec.source)
        planned = tasks(files, sizes)
        log.info(
            "Reading %d file(s) under %s as %s on %d host(s) (FullyReplicated: each file read once)",
            len(files),
            spec.source,
            spec.format.kind,
            len(self.hosts_by_address),
        )
        return [Placed(t, None) for t in planned]

    def _sharded_plan(self, spec: ReadSpec) -> list[Placed]:
        listed = self.client.run(listing, str(spec.source))  # worker address -> (files, sizes)
        held: dict[str, tuple[list[str], list[int]]] = {}
        for worker, found in listed.items():
            held.setdefault(_ip(worker), found)  # a host's workers list the same shard
        entries = sorted(
            ((path, size, address) for address, (files, sizes) in held.items() for path, size in zip(files, sizes, strict=True)),
            key=lambda e: e[0].split("/"),
        )
        for address, (files, _) in sorted(held.items()):
            log.info("host %s holds %d file(s) of the shard", self.hosts_by_address.get(address, address), len(files))
        plan: list[Placed] = []
        start = 0
        while start < len(entries):  # each run of consecutive files on one host, planned as one host plans
            address = entries[start][2]
            end = start
            while end < len(entries) and entries[end][2] == address:
                end += 1
            run = entries[start:end]
            for t in tasks([e[0] for e in run], [e[1] for e in run]):
                plan.append(Placed(Task(t.first + start, t.paths, t.sizes), address))
            start = end
        log.info(
            "Reading %d file(s) under %s as %s on %d host(s) (ShardedByS3Key)",
            len(entries),
            spec.source,
            spec.format.kind,
            len(held),
        )
        return plan


def _ip(worker_address: str) -> str:
    """``tcp://10.0.0.12:40123`` -> ``10.0.0.12``."""
    return worker_address.split("://", 1)[-1].rsplit(":", 1)[0]
