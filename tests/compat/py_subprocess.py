# python3: subprocess (run, check_output, Popen with pipes and communicate,
# shell=True, a given environment), a child killed by a signal, SIGINT as
# KeyboardInterrupt, os.system, os.fork + waitpid, multiprocessing (fork of
# a threaded process).  Ends with status 6.
import multiprocessing
import os
import signal
import subprocess
import sys
import time

r = subprocess.run(["echo", "run"], capture_output=True, text=True)
print(r.stdout.strip(), r.returncode)
print(subprocess.check_output(["sh", "-c", "echo check_output"], text=True).strip())
try:
    subprocess.check_output(["sh", "-c", "exit 5"])
except subprocess.CalledProcessError as e:
    print("CalledProcessError", e.returncode)

p = subprocess.Popen(["tr", "a-z", "A-Z"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
out, err = p.communicate(b"communicate\n")
print(out.decode().strip(), repr(err), p.returncode)

p1 = subprocess.Popen(["seq", "1", "500"], stdout=subprocess.PIPE)
p2 = subprocess.Popen(["wc", "-l"], stdin=p1.stdout, stdout=subprocess.PIPE)
p1.stdout.close()
print("pipe of two Popen:", p2.communicate()[0].decode().strip(), p1.wait(), p2.returncode)

print(subprocess.run("echo shell=$((6 * 7)) | cat", shell=True,
                     capture_output=True, text=True).stdout.strip())
try:
    subprocess.run(["sleep", "30"], timeout=0.2)
except subprocess.TimeoutExpired:
    print("TimeoutExpired: the child was killed")

print(subprocess.run(["sh", "-c", "echo env=$X PATH=$PATH"], env={"X": "only", "PATH": "/usr/bin:/bin"},
                     capture_output=True, text=True).stdout.strip())
print("killed child:", subprocess.run(["sh", "-c", "kill -TERM $$"]).returncode)
try:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(30)  # not reached: the KeyboardInterrupt comes first
except KeyboardInterrupt:
    print("KeyboardInterrupt")

sys.stdout.flush()
status = os.system("echo os.system; exit 2")
print("os.system status", os.waitstatus_to_exitcode(status))

sys.stdout.flush()
pid = os.fork()
if pid == 0:
    with open("out/forked.txt", "w") as f:
        f.write("written by a forked child\n")
    os._exit(9)
_, status = os.waitpid(pid, 0)
print("forked child exited", os.waitstatus_to_exitcode(status))


def square(n):
    return n * n


if __name__ == "__main__":
    with multiprocessing.get_context("fork").Pool(2) as pool:
        print("pool:", sum(pool.map(square, range(100))))
    print("to stderr", file=sys.stderr)
    sys.exit(6)
