#!/usr/bin/env bash
# The Kubernetes recipe of examples/scale-out, offline: its YAML passes yamllint (duplicate keys,
# syntax) and check_kubernetes.py (what the API server requires of a Job and a Secret, and what
# the recipe needs: an Indexed Job of N slices, a finalize Job, every pipeline variable given).
# Broken copies of the manifests are refused, each naming what broke.
source "$(dirname "$0")/../script_checks.sh"
here=$(cd "$(dirname "$0")" && pwd)
recipes=$(cd "$here/../../examples/scale-out" && pwd)
command -v yamllint >/dev/null || { echo "yamllint missing (scripts/install-deps.sh installs it)" >&2; exit 1; }

expect_exit 0 "yamllint over the recipes' YAML" -- yamllint -c "$here/yamllint.yml" "$recipes"
expect_exit 0 "check_kubernetes.py over the recipe" -- python3 "$here/check_kubernetes.py" "$recipes"

# broken DESCRIPTION FILE SED-EXPRESSION MESSAGE: a copy with FILE edited is refused with MESSAGE.
broken() {
  rm -rf broken && cp -r "$recipes" broken && sed -i "$3" "broken/$2"
  cmp -s "broken/$2" "$recipes/$2" && fail "$1: the edit changed nothing"
  expect_exit 1 "$1" -- python3 "$here/check_kubernetes.py" broken
  expect_contains err "$4" "$1 is named"
}
broken "parallelism other than N" kubernetes/slices-job.yaml 's/parallelism: 4/parallelism: 3/' \
  "must be the same N"
broken "a pod restarting Always" kubernetes/slices-job.yaml 's/restartPolicy: Never/restartPolicy: Always/' \
  "restartPolicy must be Never or OnFailure"
broken "a Job that is not indexed" kubernetes/slices-job.yaml 's/completionMode: Indexed/completionMode: NonIndexed/' \
  "must be an Indexed Job"
broken "an API version Kubernetes does not have" kubernetes/finalize-job.yaml 's|batch/v1|batch/v2|' \
  "apiVersion must be batch/v1"
broken "a finalize Job without --finalize" kubernetes/finalize-job.yaml 's/, "--finalize"//' \
  "lacks '--finalize'"
broken "a Secret without a variable the pipeline reads" kubernetes/secret.yaml '/SOURCE_PG_HOST/d' \
  "pipeline.yml reads \${SOURCE_PG_HOST}, which neither the Secret nor env gives"
broken "a slice mounting another ConfigMap than finalize" kubernetes/finalize-job.yaml \
  's/name: chorus-orders-pipeline/name: other-pipeline/' "must use the slices Job's pipelines"

rm -rf broken && cp -r "$recipes" broken && sed -i 's/^  completions: 4/  completions: 4\n  completions: 4/' broken/kubernetes/slices-job.yaml
expect_exit 1 "yamllint over a Job with a key given twice" -- yamllint -c "$here/yamllint.yml" broken
expect_contains out 'duplication of key "completions"' "yamllint names the duplicated key"
finish
