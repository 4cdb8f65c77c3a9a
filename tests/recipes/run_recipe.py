"""Runs what a recipe of examples/scale-out runs, as local processes, with the commands taken
from the recipe files themselves, so that a broken recipe fails.

  run_recipe.py kubernetes --site SITE.json --secret secret.yaml \
      --configmap NAME=FILE --job slices-job.yaml --job finalize-job.yaml LOGS
  run_recipe.py airflow --site SITE.json --dag DAG.py LOGS

kubernetes: each Job in the order given (the order its README applies them), each to its end
before the next, as `kubectl wait` between them does. A Job's pods are its `completions`, at
most `parallelism` at a time, an Indexed Job's with JOB_COMPLETION_INDEX 0..N-1. A pod runs
its container's command + args after Kubernetes' own `$(VAR)` expansion, with the environment
the manifest gives it (env, and envFrom the Secret, whose values are the site's), and the
ConfigMap mounted where the manifest mounts it: a local folder stands in for the mount path,
so that path is replaced by the folder's in the command and the environment (and a pod that
writes into it fails the run: the volume is read-only in Kubernetes). Nothing else of
this machine's environment reaches a pod but PATH (with the chorus program first), HOME,
TMPDIR and CHORUS_PLUGIN_PATH (where the build's plugins are; the image has them installed).

airflow: the DAG file is imported with the stand-in of Airflow (airflow_standin/), then its
tasks run in waves, as a scheduler runs them: every task whose upstream tasks all succeeded
starts at once; a failed task stops the run. A task runs `bash -c bash_command` in a fresh
folder, with the worker's environment: this machine's, plus the site's values.

SITE.json: {"KEY": "value"}, the values a user fills in (the Secret's keys); a Secret key
without a site value, or a site value for no Secret key, is an error.

Exit status 0 when every pod or task succeeded; LOGS/<name>.out and .err keep their output.
"""

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
PASSED_THROUGH = ("HOME", "TMPDIR", "CHORUS_PLUGIN_PATH")


def fail(message):
    print(f"run_recipe: {message}", file=sys.stderr)
    sys.exit(2)


def load_yaml(path):
    with open(path, encoding="utf-8") as file:
        return yaml.safe_load(file)


def program_path():
    chorus = os.environ.get("CHORUS")
    if not chorus:
        fail("CHORUS must point at the chorus program")
    return os.path.dirname(os.path.abspath(chorus)) + os.pathsep + os.environ.get("PATH", "")


def run_wave(processes, logs):
    """Starts every (name, argv, env, cwd) at once, then waits for all; returns the failed."""
    running = []
    for name, argv, env, cwd in processes:
        print(f"start {name}: {argv}", flush=True)
        out = open(os.path.join(logs, name + ".out"), "wb")
        err = open(os.path.join(logs, name + ".err"), "wb")
        running.append((name, subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=err), out, err))
    failed = []
    for name, process, out, err in running:
        code = process.wait()
        out.close()
        err.close()
        print(f"end {name}: exit {code}", flush=True)
        if code != 0:
            failed.append(name)
    return failed


# Kubernetes: $(VAR) is replaced when VAR is in the container's environment, $$(VAR) is an
# escaped $(VAR), and any other $( is left alone.
KUBERNETES_REFERENCE = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def kubernetes_expand(text, env):
    def replace(match):
        if match.group(0) == "$$":
            return "$"
        name = match.group(1)
        return env[name] if name in env else match.group(0)

    return KUBERNETES_REFERENCE.sub(replace, text)


def secret_values(secret_file, site):
    secret = load_yaml(secret_file)
    keys = set((secret.get("stringData") or {}).keys()) | set((secret.get("data") or {}).keys())
    if keys - set(site):
        fail(f"{secret_file} has keys the site gives no value for: {sorted(keys - set(site))}")
    if set(site) - keys:
        fail(f"the site gives values for keys {secret_file} does not have: {sorted(set(site) - keys)}")
    return secret["metadata"]["name"], dict(site)


def pod_environment(container, secrets, mounts):
    env = {}
    for source in container.get("envFrom") or []:
        name = (source.get("secretRef") or {}).get("name")
        if name not in secrets:
            fail(f"container {container['name']} reads Secret {name!r}, which is not given")
        env.update(secrets[name])
    for variable in container.get("env") or []:
        if "value" not in variable:
            fail(f"env {variable['name']}: only plain values are run here")
        env[variable["name"]] = kubernetes_expand(str(variable["value"]), env)
    return {key: mounted(value, mounts) for key, value in env.items()}


def mounted(text, mounts):
    for mount_path, folder in mounts.items():
        text = text.replace(mount_path, folder)
    return text


def kubernetes_pods(job_file, secrets, configmaps, scratch):
    job = load_yaml(job_file)
    spec = job["spec"]
    pod = spec["template"]["spec"]
    if len(pod["containers"]) != 1:
        fail(f"{job_file}: one container per pod is run here")
    container = pod["containers"][0]
    volumes = {volume["name"]: volume for volume in pod.get("volumes") or []}
    mounts, mounted_configmaps = {}, {}
    for mount in container.get("volumeMounts") or []:
        configmap = (volumes[mount["name"]].get("configMap") or {}).get("name")
        if configmap not in configmaps:
            fail(f"{job_file}: volume {mount['name']} is ConfigMap {configmap!r}, which is not given")
        folder = tempfile.mkdtemp(prefix="configmap-", dir=scratch)
        for key, source in configmaps[configmap].items():
            shutil.copyfile(source, os.path.join(folder, key))
        mounts[mount["mountPath"]] = folder
        mounted_configmaps[mount["mountPath"]] = configmap
    base = {key: os.environ[key] for key in PASSED_THROUGH if key in os.environ}
    base["PATH"] = program_path()
    completions = spec.get("completions", 1)
    indexed = spec.get("completionMode") == "Indexed"
    pods = []
    for index in range(completions):
        env = dict(pod_environment(container, secrets, mounts))
        if indexed:
            env["JOB_COMPLETION_INDEX"] = str(index)
        argv = [mounted(kubernetes_expand(part, env), mounts)
                for part in (container.get("command") or []) + (container.get("args") or [])]
        if not argv:
            fail(f"{job_file}: the container has no command (the image's default is not run here)")
        name = f"{job['metadata']['name']}-{index}"
        pods.append((name, argv, {**base, **env}, tempfile.mkdtemp(prefix="pod-", dir=scratch)))
    return pods, spec.get("parallelism", 1), mounts, mounted_configmaps


def check_mounts_unchanged(job_file, mounts, configmaps, configmap_of):
    """A ConfigMap volume is read-only in a pod: a run that wrote next to its pipeline file
    (a state file, a lock, a temporary file) would fail there, so it fails here too."""
    for mount_path, folder in mounts.items():
        expected = configmaps[configmap_of[mount_path]]
        if sorted(os.listdir(folder)) != sorted(expected):
            fail(f"{job_file}: the pods wrote into {mount_path}, a read-only ConfigMap volume: "
                 f"{sorted(set(os.listdir(folder)) - set(expected))}")


def run_kubernetes(arguments, site, logs, scratch):
    name, values = secret_values(arguments.secret, site)
    secrets = {name: values}
    configmaps = {}
    for entry in arguments.configmap:
        configmap, _, source = entry.partition("=")
        configmaps.setdefault(configmap, {})[os.path.basename(source)] = source
    for job_file in arguments.job:
        pods, parallelism, mounts, mounted_configmaps = kubernetes_pods(job_file, secrets, configmaps, scratch)
        for first in range(0, len(pods), parallelism):
            failed = run_wave(pods[first:first + parallelism], logs)
            if failed:
                fail(f"{job_file}: pods failed: {failed}")
        check_mounts_unchanged(job_file, mounts, configmaps, mounted_configmaps)


def load_dag(dag_file):
    sys.path.insert(0, os.path.join(HERE, "airflow_standin"))
    spec = importlib.util.spec_from_file_location("recipe_dag", dag_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dags = [value for value in vars(module).values() if type(value).__name__ == "DAG"]
    if len(dags) != 1:
        fail(f"{dag_file} defines {len(dags)} DAGs at module level, expected one")
    return dags[0]


def run_airflow(arguments, site, logs, scratch):
    os.environ.update(site)
    os.environ["PATH"] = program_path()
    dag = load_dag(arguments.dag)
    done = set()
    while len(done) < len(dag.tasks):
        ready = [task for task_id, task in dag.tasks.items()
                 if task_id not in done and task.upstream <= done]
        if not ready:
            fail(f"{arguments.dag}: the tasks {sorted(set(dag.tasks) - done)} wait on each other")
        wave = [(task.task_id, ["bash", "-c", task.bash_command], dict(os.environ),
                 tempfile.mkdtemp(prefix="task-", dir=scratch)) for task in ready]
        failed = run_wave(wave, logs)
        if failed:
            fail(f"{arguments.dag}: tasks failed: {failed}")
        done.update(task.task_id for task in ready)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="orchestrator", required=True)
    kubernetes = sub.add_parser("kubernetes")
    kubernetes.add_argument("--secret", required=True)
    kubernetes.add_argument("--configmap", action="append", default=[])
    kubernetes.add_argument("--job", action="append", required=True)
    airflow = sub.add_parser("airflow")
    airflow.add_argument("--dag", required=True)
    for each in (kubernetes, airflow):
        each.add_argument("--site", required=True)
        each.add_argument("logs")
    arguments = parser.parse_args()
    with open(arguments.site, encoding="utf-8") as file:
        site = json.load(file)
    arguments.logs = os.path.abspath(arguments.logs)
    os.makedirs(arguments.logs, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="recipe-", dir=arguments.logs)
    if arguments.orchestrator == "kubernetes":
        run_kubernetes(arguments, site, arguments.logs, scratch)
    else:
        run_airflow(arguments, site, arguments.logs, scratch)


if __name__ == "__main__":
    main()
