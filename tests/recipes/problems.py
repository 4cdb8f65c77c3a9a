"""How the recipe checkers collect and report what they find: every problem is printed, not
only the first, and any problem makes the exit status 1."""

import sys


class Problems:
    def __init__(self):
        self.found = []

    def add(self, text):
        self.found.append(text)

    def expect(self, condition, text):
        """Records `text` when `condition` is false; returns the condition."""
        if not condition:
            self.add(text)
        return condition

    def report(self, success):
        for text in self.found:
            print(f"FAIL: {text}", file=sys.stderr)
        if self.found:
            sys.exit(1)
        print(success)
