"""A multi-instance job (``resourceconfig.json`` names several hosts) as one Dask cluster.

The leader (the first host) runs the scheduler, a worker and the client; every other host runs a worker
against it and exits 0 once the leader has finished and shut the cluster down. Tasks are the ones a single
host reads (container/load/tasks.py): each returns a small mergeable part (counts, profiles, the row sample),
and the leader merges the parts in the order one host reads them, runs the steps and writes every output and
the message. Other hosts write nothing. Dask is imported only here, only when there are several hosts.
"""
