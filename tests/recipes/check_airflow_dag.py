"""Offline checks of the Airflow recipe: the DAG file is run against the stand-in of the Airflow
names it imports (airflow_standin/; Airflow itself cannot be installed here), standing in for
Airflow 3 and then Airflow 2 (whose modules differ), once for each N in 1..4 given through its
CHORUS_SLICES parameter, and the task graph it builds must be: N slice tasks with no upstream
task, each running `chorus run --pipeline P --partition K/N` for its own K, and one finalize
task downstream of every slice, running `--finalize`, with nothing after it. N = 0 must be
refused.

  check_airflow_dag.py DAG_FILE

Prints each problem and exits 1 when there is any. run_recipe.py runs the commands themselves.
"""

import importlib.util
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "airflow_standin"))

from problems import Problems

problems = Problems()
expect = problems.expect


def build(dag_file, slices):
    os.environ["CHORUS_SLICES"] = str(slices)
    spec = importlib.util.spec_from_file_location(f"recipe_dag_{slices}", dag_file)
    # Each build imports Airflow afresh, as the stand-in's major version may have changed.
    for module in [name for name in sys.modules if name == "airflow" or name.startswith("airflow.")]:
        del sys.modules[module]
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [value for value in vars(module).values() if type(value).__name__ == "DAG"]


def check_graph(dag_file, slices):
    try:
        dags = build(dag_file, slices)
    except ImportError as error:
        problems.add(f"Airflow {os.environ['AIRFLOW_STANDIN_MAJOR']}, N={slices}: the DAG file does not import: {error}")
        return
    if len(dags) != 1:
        problems.add(f"N={slices}: {len(dags)} DAGs at module level, expected one")
        return
    tasks = dags[0].tasks
    partition = re.compile(r"chorus run --pipeline \S+ --partition (\d+)/(\d+)$")
    slice_ids = {task_id for task_id, task in tasks.items() if partition.search(task.bash_command)}
    finals = [task for task in tasks.values() if re.search(r"chorus run --pipeline \S+ --finalize$", task.bash_command)]
    expect(len(slice_ids) == slices, f"N={slices}: {len(slice_ids)} slice tasks")
    slice_numbers = sorted((int(partition.search(tasks[t].bash_command).group(1)),
                            int(partition.search(tasks[t].bash_command).group(2))) for t in slice_ids)
    expect(slice_numbers == [(k, slices) for k in range(1, slices + 1)],
           f"N={slices}: the slices run --partition {slice_numbers}, expected 1/{slices} .. {slices}/{slices}")
    for task_id in slice_ids:
        expect(not tasks[task_id].upstream, f"N={slices}: slice task {task_id} waits on {tasks[task_id].upstream}")
    expect(len(finals) == 1 and len(tasks) == slices + 1,
           f"N={slices}: expected the slice tasks and one finalize task, got {sorted(tasks)}")
    if finals:
        final = finals[0]
        expect(final.upstream == slice_ids, f"N={slices}: finalize waits on {sorted(final.upstream)}, not every slice")
        expect(not final.downstream, f"N={slices}: tasks after finalize: {sorted(final.downstream)}")
        pipelines = {task.bash_command.split("--pipeline ")[1].split()[0] for task in tasks.values()}
        expect(len(pipelines) == 1, f"N={slices}: the tasks run different pipelines: {pipelines}")


def main():
    dag_file = sys.argv[1]
    for major in ("3", "2"):
        os.environ["AIRFLOW_STANDIN_MAJOR"] = major
        for slices in range(1, 5):
            check_graph(dag_file, slices)
        try:
            build(dag_file, 0)
            problems.add(f"Airflow {major}: N=0 was accepted")
        except ValueError:
            pass
        except ImportError:
            pass  # check_graph reported it
    problems.report("the Airflow DAG builds the expected task graph for N = 1..4, with Airflow 3 and 2")


if __name__ == "__main__":
    main()
