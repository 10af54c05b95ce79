"""The leader's last word to the other hosts, on a real in-process Dask cluster."""

from __future__ import annotations

import logging

import pytest

from container.cluster import remote, session
from container.cluster.processes import HOST_VARIABLE

distributed = pytest.importorskip("distributed")


@pytest.fixture
def cluster():
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as local:
        yield local


def test_every_worker_is_told_the_job_finished(cluster, monkeypatch):
    monkeypatch.setenv(HOST_VARIABLE, "algo-2")
    flag = remote.done_flag("algo-2")
    flag.unlink(missing_ok=True)
    with distributed.Client(cluster) as client:
        session._tell_finished(client)
    assert flag.exists()
    flag.unlink()


def test_a_cluster_gone_after_the_outputs_were_written_is_a_warning_not_a_failure(cluster, caplog):
    with distributed.Client(cluster) as client:
        cluster.close()
        with caplog.at_level(logging.WARNING, logger=session.__name__):
            session._tell_finished(client)  # the leader's outputs stand
    assert "could not tell the other hosts the job finished" in caplog.text
