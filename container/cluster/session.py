"""Starting and ending the cluster: the leader's session, and the other hosts' workers.

Every host's exit code counts (one non-zero host fails the job) and SageMaker joins the hosts' messages, so
a host other than the leader writes a message only when it fails: the leader went away before finishing, or
never answered. A host that never joins: with ``ShardedByS3Key`` its files are unreachable and the job fails
naming it; with ``FullyReplicated`` the others read its share, and the message says so.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from container.cluster import processes, remote
from container.cluster.hosts import resolve
from container.cluster.reader import DaskReader
from container.contract import MonitorContract
from container.errors import ClientError
from container.settings import ClusterConfig

log = logging.getLogger(__name__)

SHARDED = "ShardedByS3Key"
POLL_S = 0.5


@dataclass(frozen=True, slots=True)
class LeaderSession:
    reader: DaskReader
    note: str  # for the message: hosts that never joined (FullyReplicated), else empty


@contextmanager
def leader_session(contract: MonitorContract, settings: ClusterConfig) -> Iterator[LeaderSession]:
    """Scheduler, local workers and client on the leader; the cluster shut down at the end, whatever happens."""
    from distributed import Client  # only a multi-instance job imports Dask

    addresses = {host: resolve(host, settings.join_timeout_s) for host in contract.hosts}
    me = addresses[contract.current_host]
    started = [processes.start(processes.scheduler_command(me, settings), contract.current_host)]
    client = None
    try:
        started.append(
            processes.start(
                processes.worker_command(me, me, contract.current_host, settings, settings.join_timeout_s), contract.current_host
            )
        )
        client = Client(f"tcp://{me}:{settings.scheduler_port}", timeout=f"{settings.join_timeout_s}s")
        joined = _wait_for_hosts(client, addresses, settings.join_timeout_s)
        missing = [host for host, address in addresses.items() if address not in joined]
        note = _missing_hosts(missing, contract.distribution, settings.join_timeout_s)
        hosts_by_address = {address: host for host, address in addresses.items() if address in joined}
        yield LeaderSession(DaskReader(client, contract.distribution == SHARDED, hosts_by_address), note)
        _tell_finished(client)
    finally:
        if client is not None:
            try:
                client.shutdown()
            except OSError:  # CommClosedError: the cluster is already gone; the outcome is decided, no news
                log.warning("the cluster was already gone at shutdown")
        for process in reversed(started):
            processes.stop(process)


def _tell_finished(client: object) -> None:
    """Each host's worker command then knows the leader finished. The outputs are written by now: a host that
    cannot be told exits non-zero with its own message, and the leader's outcome stands."""
    try:
        answers = client.run(remote.finished, on_error="return")  # type: ignore[attr-defined]
    except Exception as e:  # noqa: BLE001 - the outcome is decided; Dask's errors here vary (comm closed, timeout, no scheduler)
        log.warning("could not tell the other hosts the job finished (%s); they will report the leader gone", e)
        return
    for worker, answer in answers.items():
        if isinstance(answer, BaseException):
            log.warning("could not tell worker %s the job finished (%r); its host will report the leader gone", worker, answer)


def serve(contract: MonitorContract, settings: ClusterConfig) -> int:
    """A host other than the leader: its workers serve the leader's scheduler until the leader shuts it down.
    0 when the leader finished; a ClientError when the leader never answered or went away before finishing."""
    leader = contract.hosts[0]
    scheduler = resolve(leader, settings.join_timeout_s)
    me = resolve(contract.current_host, settings.join_timeout_s)
    flag = remote.done_flag(contract.current_host)
    flag.unlink(missing_ok=True)
    log.info("host %s serves the leader %s (%s:%d)", contract.current_host, leader, scheduler, settings.scheduler_port)
    worker = processes.start(
        processes.worker_command(scheduler, me, contract.current_host, settings, settings.join_timeout_s), contract.current_host
    )
    try:
        code = worker.wait()
    finally:
        processes.stop(worker)
    if flag.exists():
        flag.unlink(missing_ok=True)
        log.info("the leader %s finished; this host's workers stopped (exit %d)", leader, code)
        return 0
    raise ClientError(
        f"host {contract.current_host}: the leader {leader} ({scheduler}:{settings.scheduler_port}) went away or never "
        f"answered within {settings.join_timeout_s:g} s before the job finished; see the leader's log."
    )


def _wait_for_hosts(client: object, addresses: dict[str, str], timeout_s: float) -> set[str]:
    """The addresses of the hosts with at least one worker, once all joined or ``timeout_s`` passed."""
    deadline = time.monotonic() + timeout_s
    wanted = set(addresses.values())
    while True:
        workers = client.scheduler_info()["workers"]  # type: ignore[attr-defined]
        joined = {info["host"] for info in workers.values()}
        if wanted <= joined or time.monotonic() >= deadline:
            log.info("%d of %d host(s) joined with %d worker process(es)", len(wanted & joined), len(wanted), len(workers))
            return joined & wanted
        time.sleep(POLL_S)


def _missing_hosts(missing: list[str], distribution: str, timeout_s: float) -> str:
    if not missing:
        return ""
    names = ", ".join(missing)
    if distribution == SHARDED:
        raise ClientError(
            f"host(s) {names} did not join the cluster within {timeout_s:g} s; with ShardedByS3Key their files cannot be "
            "read elsewhere. Check the instances' security group allows traffic between them (README: several instances), "
            "or raise cluster.join_timeout_s."
        )
    log.warning("host(s) %s did not join within %g s; the other hosts read their share (FullyReplicated)", names, timeout_s)
    return f" Host(s) {names} did not join the cluster within {timeout_s:g} s; the other hosts read the whole window."
