#!/usr/bin/env bash
# The Airflow recipe of examples/scale-out, offline: the DAG file, run against the stand-in of
# the Airflow names it imports (as Airflow 3 and as Airflow 2), builds N slice tasks and a
# finalize task downstream of all of them for N = 1..4 (check_airflow_dag.py). Broken copies of
# the DAG are refused.
source "$(dirname "$0")/../script_checks.sh"
here=$(cd "$(dirname "$0")" && pwd)
dag=$(cd "$here/../../examples/scale-out/airflow" && pwd)/chorus_orders_scale_out.py

expect_exit 0 "the DAG's task graph" -- python3 "$here/check_airflow_dag.py" "$dag"

# broken DESCRIPTION SED-EXPRESSION MESSAGE
broken() {
  sed "$2" "$dag" >broken_dag.py
  cmp -s broken_dag.py "$dag" && fail "$1: the edit changed nothing"
  expect_exit 1 "$1" -- python3 "$here/check_airflow_dag.py" broken_dag.py
  expect_contains err "$3" "$1 is named"
}
broken "finalize not downstream of the slices" 's/slice_tasks >> finalize/pass/' "finalize waits on []"
broken "a slice numbered from 0" 's/f"{k}\/{slices}"/f"{k - 1}\/{slices}"/' "the slices run --partition"
broken "finalize running a slice" 's/chorus_run(pipeline, "--finalize")/chorus_run(pipeline, "--partition", "1\/1")/' \
  "expected the slice tasks and one finalize task"
broken "a DAG that imports BashOperator from where only Airflow 2 has it" \
  's/from airflow.providers.standard.operators.bash import/from airflow.operators.bash import/' \
  "Airflow 3, N=1: the DAG file does not import: No module named 'airflow.operators.bash'"
broken "an argument Airflow's DAG does not take" 's/catchup=False/catch_up=False/' "unexpected keyword arguments"
finish
