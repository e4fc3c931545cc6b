"""A unittest module whose tests start subprocesses, as test suites of
command-line tools do.  Every test passes; two leave something behind:
test_helper runs a C program (leaky_helper.c) that leaks an fd, and
test_server starts a process it never stops or waits for, so the server is
still running when the suite ends.

Run from the top of the tree: python3 -m unittest tests.runners.pyunit.test_subprocesses
(EXITGUARD_BUILD: where leaky_helper was built, default build/)."""
import os
import subprocess
import unittest

BUILD = os.environ.get("EXITGUARD_BUILD", "build")
HELPER = os.path.join(BUILD, "tests", "runners", "leaky_helper")


class Subprocesses(unittest.TestCase):
    def test_helper(self):
        done = subprocess.run([HELPER], capture_output=True, text=True, check=True)
        self.assertIn("helper opened fd", done.stdout)

    def test_server(self):
        # started for the test, never stopped nor waited for
        server = subprocess.Popen(["sleep", "60"], stdin=subprocess.DEVNULL)
        self.assertIsNone(server.poll())

    def test_true(self):
        subprocess.run(["true"], check=True)


if __name__ == "__main__":
    unittest.main()
