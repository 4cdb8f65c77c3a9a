#!/usr/bin/env python3
# A Singer tap for the host's stop and kill tests: stream "s" sends RECORDs with ids 1, 2, ...
# every 20 ms and a STATE after every fifth, until it is stopped. After the 20th record it logs
# "twenty records out" to stderr, so a test knows the run is under way. With SLOW_TAP_HELPER set
# it also starts a helper process of its own and writes, in its working folder, the path of the
# config it was given (tap.config-path) and its own pid and the helper's (tap.pids), so a test
# can check that all of them end with the host.
import json, os, subprocess, sys, time

if os.environ.get("SLOW_TAP_HELPER"):
    config_path = sys.argv[sys.argv.index("--config") + 1]
    json.load(open(config_path))
    helper = subprocess.Popen(["sleep", "300"])
    with open("tap.config-path", "w") as f:
        f.write(config_path + "\n")
    with open("tap.pids", "w") as f:
        f.write(f"{os.getpid()} {helper.pid}\n")
print(json.dumps({"type": "SCHEMA", "stream": "s", "key_properties": ["id"],
                  "schema": {"type": "object", "properties": {"id": {"type": "integer"}}}}), flush=True)
for i in range(1, 1000000):
    print(json.dumps({"type": "RECORD", "stream": "s", "record": {"id": i}}), flush=True)
    if i % 5 == 0:
        print(json.dumps({"type": "STATE", "value": {"bookmarks": {"s": {"n": i}}}}), flush=True)
    if i == 20:
        print("INFO twenty records out", file=sys.stderr, flush=True)
    time.sleep(0.02)
