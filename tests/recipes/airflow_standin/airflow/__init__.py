"""A stand-in for the two names of Airflow that the recipe's DAG imports, `DAG` and
`BashOperator`, so that the DAG file runs here, where Airflow cannot be installed. It keeps what
the test needs, the tasks, their commands and the edges between them, and refuses what Airflow
refuses: arguments it does not take, a task outside a DAG, a task id used twice, an edge to
something that is not a task.

Both names are where Airflow 3 has them (`airflow.sdk.DAG`,
`airflow.providers.standard.operators.bash.BashOperator`) and where Airflow 2 had them
(`airflow.DAG`, `airflow.operators.bash.BashOperator`). AIRFLOW_STANDIN_MAJOR (3 or 2, default
3) says which installation it stands in for: the other's module of BashOperator and Airflow 3's
airflow.sdk cannot be imported, as there."""

import os

_current_dags = []


def require_airflow(major, module):
    standing_in_for = os.environ.get("AIRFLOW_STANDIN_MAJOR", "3")
    if standing_in_for != major:
        raise ImportError(f"No module named {module!r} (the stand-in is Airflow {standing_in_for})")

# The DAG arguments of Airflow 2 that a recipe may use; any other is a TypeError, as in Airflow.
_DAG_ARGUMENTS = {
    "dag_id", "description", "schedule", "start_date", "end_date", "catchup", "max_active_runs",
    "max_active_tasks", "default_args", "tags", "params", "dagrun_timeout", "doc_md",
}


class DAG:
    def __init__(self, dag_id=None, **arguments):
        unknown = set(arguments) - _DAG_ARGUMENTS
        if unknown:
            raise TypeError(f"DAG() got unexpected keyword arguments {sorted(unknown)}")
        if not dag_id:
            raise TypeError("DAG() needs a dag_id")
        self.dag_id = dag_id
        self.arguments = arguments
        self.default_args = arguments.get("default_args") or {}
        self.tasks = {}

    def __enter__(self):
        _current_dags.append(self)
        return self

    def __exit__(self, *exception):
        _current_dags.pop()
        return False

    def add_task(self, task):
        if task.task_id in self.tasks:
            raise ValueError(f"DuplicateTaskIdFound: task id '{task.task_id}' has already been added")
        self.tasks[task.task_id] = task


def current_dag():
    if not _current_dags:
        raise RuntimeError("an operator was created outside a `with DAG(...)` block")
    return _current_dags[-1]
