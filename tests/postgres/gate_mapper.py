#!/usr/bin/env python3
"""A pass-through Singer mapper that a test can hold: after GATE_AFTER lines (unset or negative:
never) it waits until the file GATE_FILE exists, then passes the rest. It exits when the chorus
run that started it is gone, so a SIGKILLed run leaves no mapper behind."""
import os
import sys
import time

after = int(os.environ.get("GATE_AFTER", "-1"))
gate = os.environ.get("GATE_FILE", "")
parent = os.getppid()
out = sys.stdout.buffer
for count, line in enumerate(sys.stdin.buffer):
    if count == after:
        out.flush()
        while not os.path.exists(gate):
            if os.getppid() != parent:
                sys.exit(1)
            time.sleep(0.05)
    out.write(line)
out.flush()
