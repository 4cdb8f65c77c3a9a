"""BashOperator of the Airflow stand-in (see airflow/__init__.py): a task that runs
`bash -c bash_command`, with its upstream and downstream tasks. Imported from where Airflow 3
or Airflow 2 has it."""

from airflow import current_dag

# The BaseOperator and BashOperator arguments of Airflow 2 that a recipe may use.
_ARGUMENTS = {
    "env", "append_env", "cwd", "retries", "retry_delay", "pool", "execution_timeout",
    "trigger_rule", "doc_md", "skip_on_exit_code",
}


class BashOperator:
    def __init__(self, task_id, bash_command, **arguments):
        unknown = set(arguments) - _ARGUMENTS
        if unknown:
            raise TypeError(f"BashOperator() got unexpected keyword arguments {sorted(unknown)}")
        if not isinstance(bash_command, str) or not bash_command.strip():
            raise ValueError(f"task {task_id}: bash_command must be a non-empty string")
        self.dag = current_dag()
        self.task_id = task_id
        self.bash_command = bash_command
        self.arguments = {**self.dag.default_args, **arguments}
        self.upstream = set()
        self.downstream = set()
        self.dag.add_task(self)

    def _link(self, downstream):
        for task in _tasks(downstream):
            self.downstream.add(task.task_id)
            task.upstream.add(self.task_id)

    def __rshift__(self, other):  # self >> other
        self._link(other)
        return other

    def __lshift__(self, other):  # self << other
        for task in _tasks(other):
            task._link(self)
        return other

    def __rrshift__(self, other):  # [a, b] >> self
        self.__lshift__(other)
        return self

    def __rlshift__(self, other):  # [a, b] << self
        self._link(other)
        return self


def _tasks(other):
    tasks = list(other) if isinstance(other, (list, tuple, set)) else [other]
    for task in tasks:
        if not isinstance(task, BashOperator):
            raise TypeError(f"{task!r} is not a task: only tasks can be upstream or downstream")
    return tasks
