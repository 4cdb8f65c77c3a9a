"""A partitioned chorus sync as an Airflow DAG: one task per slice, then the finalize step.

Each slice task runs `chorus run --pipeline PIPELINE --partition K/N`; the slices run at the
same time (on as many workers as the pool allows), and the finalize task, downstream of all of
them, runs `chorus run --pipeline PIPELINE --finalize` once every slice succeeded. A slice that
fails is retried and resumes from its own bookmark in the shared state.

The tasks inherit the worker's environment: the `${VAR}` of the pipeline file (connections,
CHORUS_STATE_URL, AWS credentials) must be set there, for instance by the deployment that
starts the workers. `chorus` must be on the workers' PATH (the container image of
examples/scale-out/Containerfile has it).
"""

import os
import shlex
from datetime import datetime, timedelta

try:  # Airflow 3
    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.sdk import DAG
except ImportError:  # Airflow 2.4 and later
    from airflow import DAG
    from airflow.operators.bash import BashOperator

# The pipeline file, deployed next to this DAG file; CHORUS_PIPELINE points elsewhere.
PIPELINE = os.environ.get(
    "CHORUS_PIPELINE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "pipeline.yml")
)
# N, the number of slices: fixed when the DAG is parsed, since every slice is a task of its own.
SLICES = int(os.environ.get("CHORUS_SLICES", "4"))


def chorus_run(pipeline, *arguments):
    """The shell command of one task: `exec`, so that Airflow's SIGTERM reaches chorus, which
    then stops the tap, lets the target commit and stores the state before it exits."""
    return " ".join(["exec", "chorus", "run", "--pipeline", shlex.quote(pipeline), *arguments])


def partitioned_sync(dag_id, pipeline, slices):
    """A DAG with `slices` slice tasks and one finalize task downstream of all of them."""
    if slices < 1:
        raise ValueError(f"{dag_id}: the number of slices must be at least 1, got {slices}")
    with DAG(
        dag_id=dag_id,
        schedule=None,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        # Two runs at once would share one partition plan; chorus would refuse the second's
        # slices, so Airflow should not start it.
        max_active_runs=1,
        default_args={"retries": 3, "retry_delay": timedelta(minutes=2)},
        tags=["chorus"],
    ) as dag:
        slice_tasks = [
            BashOperator(
                task_id=f"slice_{k}_of_{slices}",
                bash_command=chorus_run(pipeline, "--partition", f"{k}/{slices}"),
            )
            for k in range(1, slices + 1)
        ]
        finalize = BashOperator(
            task_id="finalize",
            bash_command=chorus_run(pipeline, "--finalize"),
        )
        slice_tasks >> finalize
    return dag


dag = partitioned_sync("chorus_orders_scale_out", PIPELINE, SLICES)
