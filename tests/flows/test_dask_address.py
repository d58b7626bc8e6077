"""A deployment reaches an existing Dask cluster through the flow's `dask_address` parameter (its task
runner is fixed when deployed): the batches run on that cluster and the feed is the usual one."""

from __future__ import annotations


def test_flow_parameter_dask_address_runs_the_batches_on_that_cluster(prefect_harness, seeds, tmp_path):
    from distributed import Client, LocalCluster

    from flows.ingest import ingest_flow

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.get_task_stream(start=0)  # the scheduler records tasks from now on
        summary = ingest_flow(source=str(seeds), out=str(tmp_path / "out"), batch_size=2, dask_address=cluster.scheduler_address)
        tasks = client.get_task_stream(start=0)
    assert summary["new"] == 5 and summary["failed"] == 0
    assert len(tasks) >= 3  # five documents in batches of two
    assert len(list((tmp_path / "out" / "records").rglob("*.json"))) == 5
