"""Offline checks of the Kubernetes recipe in examples/scale-out/kubernetes: what the API server
requires of a Job and a Secret (the validation rules of batch/v1 Job and v1 Secret that a
manifest can break), and what the recipe itself needs (an Indexed Job with N slices, a
finalize Job for the same pipeline, a Secret that gives every variable the pipeline reads).

  check_kubernetes.py RECIPE_FOLDER     (the folder of pipeline.yml and kubernetes/)

Prints each problem and exits 1 when there is any. No cluster is needed, and none is used.
"""

import os
import re
import sys

import yaml

from problems import Problems

problems = Problems()

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
SECRET_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
# ${VAR} without a default, as the pipeline loader reads it; ${VAR:-default} may stay unset.
PIPELINE_VARIABLE = re.compile(r"\$\{([^}:]+)(:-[^}]*)?\}")


def problem(where, text):
    problems.add(f"{where}: {text}")


def expect(condition, where, text):
    return problems.expect(condition, f"{where}: {text}")


def load(path):
    with open(path, encoding="utf-8") as file:
        documents = [document for document in yaml.safe_load_all(file) if document is not None]
    if len(documents) != 1:
        problem(path, f"holds {len(documents)} objects, expected one")
        return {}
    return documents[0]


def is_count(value, low, high):
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def check_secret(path, secret):
    expect(secret.get("apiVersion") == "v1", path, "apiVersion must be v1")
    expect(secret.get("kind") == "Secret", path, "kind must be Secret")
    name = (secret.get("metadata") or {}).get("name", "")
    expect(DNS_SUBDOMAIN.match(name) and len(name) <= 253, path, f"metadata.name {name!r} is not a DNS subdomain")
    data = secret.get("stringData")
    if not expect(isinstance(data, dict) and data, path, "stringData must be a non-empty mapping"):
        return {}
    for key, value in data.items():
        expect(SECRET_KEY.match(str(key)), path, f"key {key!r} is not a valid Secret key")
        expect(ENV_NAME.match(str(key)), path, f"key {key!r} cannot be an environment variable (envFrom skips it)")
        expect(isinstance(value, str), path, f"stringData.{key} must be a string, got {value!r}")
    return data


def check_container(path, container, volumes):
    where = f"{path}: container {container.get('name')!r}"
    name = container.get("name", "")
    expect(DNS_LABEL.match(name) and len(name) <= 63, where, "name must be a DNS label")
    expect(isinstance(container.get("image"), str) and container["image"], where, "image is required")
    argv = (container.get("command") or []) + (container.get("args") or [])
    expect(argv and all(isinstance(part, str) for part in argv), where,
           "command (and args) must be a list of strings: the recipe does not rely on the image's default")
    env = {}
    for variable in container.get("env") or []:
        expect(ENV_NAME.match(variable.get("name", "")), where, f"env name {variable.get('name')!r} is invalid")
        expect(("value" in variable) != ("valueFrom" in variable), where,
               f"env {variable.get('name')}: give value or valueFrom")
        expect(isinstance(variable.get("value", ""), str), where,
               f"env {variable.get('name')}: a value must be a string (quote numbers)")
        env[variable.get("name")] = variable.get("value")
    secrets = []
    for source in container.get("envFrom") or []:
        secret = (source.get("secretRef") or {}).get("name")
        if expect(secret, where, "envFrom entries here name a secretRef"):
            secrets.append(secret)
    mounts = {}
    for mount in container.get("volumeMounts") or []:
        expect(mount.get("name") in volumes, where, f"volumeMount {mount.get('name')!r} names no volume")
        expect(str(mount.get("mountPath", "")).startswith("/"), where, "mountPath must be absolute")
        mounts[mount.get("name")] = mount.get("mountPath")
    return argv, env, secrets, mounts


def check_job(path, job):
    """The Job rules of the API server; returns what the recipe checks need."""
    expect(job.get("apiVersion") == "batch/v1", path, "apiVersion must be batch/v1")
    expect(job.get("kind") == "Job", path, "kind must be Job")
    name = (job.get("metadata") or {}).get("name", "")
    # A Job's name is also the value of its pods' job-name label: at most 63 characters.
    expect(DNS_LABEL.match(name) and len(name) <= 63, path, f"metadata.name {name!r} must be a DNS label")
    spec = job.get("spec") or {}
    expect("selector" not in spec and not spec.get("manualSelector"), path,
           "leave spec.selector to Kubernetes (it is generated)")
    mode = spec.get("completionMode", "NonIndexed")
    expect(mode in ("NonIndexed", "Indexed"), path, f"completionMode {mode!r} is not NonIndexed or Indexed")
    for field in ("completions", "parallelism", "backoffLimit"):
        if field in spec:
            expect(is_count(spec[field], 0, 2**31 - 1), path, f"spec.{field} must be a non-negative integer")
    if mode == "Indexed":
        expect(is_count(spec.get("completions"), 1, 100000), path, "an Indexed Job needs completions of 1 to 100000")
        expect(is_count(spec.get("parallelism", 1), 0, 100000), path, "an Indexed Job's parallelism is at most 100000")
    pod = (spec.get("template") or {}).get("spec") or {}
    expect(pod.get("restartPolicy") in ("Never", "OnFailure"), path,
           "spec.template.spec.restartPolicy must be Never or OnFailure (a Job's pods may not use Always)")
    volumes = {}
    for volume in pod.get("volumes") or []:
        expect(DNS_LABEL.match(volume.get("name", "")), path, f"volume name {volume.get('name')!r} must be a DNS label")
        configmap = (volume.get("configMap") or {}).get("name")
        expect(configmap and DNS_SUBDOMAIN.match(configmap), path,
               f"volume {volume.get('name')!r}: the recipe mounts ConfigMaps, by a valid name")
        volumes[volume.get("name")] = configmap
    containers = pod.get("containers") or []
    if not expect(len(containers) == 1, path, "the recipe's pods have exactly one container"):
        return None
    argv, env, secrets, mounts = check_container(path, containers[0], volumes)
    pipeline_paths = {volumes.get(volume): os.path.join(mount, "pipeline.yml") for volume, mount in mounts.items()}
    return {"spec": spec, "mode": mode, "argv": argv, "env": env, "secrets": secrets,
            "image": containers[0].get("image"), "pipelines": pipeline_paths}


def command_runs(job, path, *words):
    """The container's command runs `chorus run --pipeline <the mounted pipeline.yml>` with the
    given words; the run test proves what they do."""
    command = " ".join(job["argv"])
    expect(re.search(r"(^|[\s/])chorus run --pipeline ", command), path, f"the command does not run chorus run --pipeline: {command}")
    expect(any(f"--pipeline {pipeline}" in command for pipeline in job["pipelines"].values()), path,
           f"the command's --pipeline is not pipeline.yml of a mounted ConfigMap: {command}")
    for word in words:
        expect(word in command, path, f"the command lacks {word!r}: {command}")


def main():
    recipe = sys.argv[1]
    folder = os.path.join(recipe, "kubernetes")
    secret_path = os.path.join(folder, "secret.yaml")
    slices_path = os.path.join(folder, "slices-job.yaml")
    finalize_path = os.path.join(folder, "finalize-job.yaml")
    secret = check_secret(secret_path, load(secret_path))
    slices = check_job(slices_path, load(slices_path))
    finalize = check_job(finalize_path, load(finalize_path))
    if slices:
        spec = slices["spec"]
        expect(slices["mode"] == "Indexed", slices_path, "the slices Job must be an Indexed Job")
        count = slices["env"].get("SLICES")
        expect(count and count.isdigit() and spec.get("completions") == spec.get("parallelism") == int(count),
               slices_path, f"completions ({spec.get('completions')}), parallelism ({spec.get('parallelism')}) "
                            f"and SLICES ({count}) must be the same N")
        command_runs(slices, slices_path, "--partition", "JOB_COMPLETION_INDEX + 1", "$SLICES")
    if finalize:
        spec = finalize["spec"]
        expect(finalize["mode"] == "NonIndexed", finalize_path, "the finalize Job runs one pod, not indexed")
        expect(spec.get("completions", 1) == 1 and spec.get("parallelism", 1) == 1, finalize_path,
               "the finalize Job runs exactly once: completions and parallelism 1")
        command_runs(finalize, finalize_path, "--finalize")
        expect("--partition" not in finalize["argv"], finalize_path, "the finalize step takes no --partition")
    if slices and finalize:
        for field in ("image", "secrets", "pipelines"):
            expect(slices[field] == finalize[field], finalize_path,
                   f"the finalize Job must use the slices Job's {field}: {finalize[field]} != {slices[field]}")
    if slices:
        secret_name = (load(secret_path).get("metadata") or {}).get("name")
        expect(slices["secrets"] == [secret_name], slices_path, f"the pods must read Secret {secret_name!r} (envFrom)")
        with open(os.path.join(recipe, "pipeline.yml"), encoding="utf-8") as file:
            pipeline = file.read()
        given = set(secret) | set(slices["env"])
        read = set()
        for match in PIPELINE_VARIABLE.finditer(pipeline):
            read.add(match.group(1))
            if match.group(2) is None:
                expect(match.group(1) in given, slices_path,
                       f"pipeline.yml reads ${{{match.group(1)}}}, which neither the Secret nor env gives")
        for key in secret:
            # AWS_* are read by the S3 client of the state store, not by the pipeline file.
            expect(key in read or key.startswith("AWS_"), secret_path, f"{key} is read by nothing")
    problems.report("the Kubernetes manifests pass every check")


if __name__ == "__main__":
    main()
