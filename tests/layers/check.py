"""The library's layers, checked (make check-layers).

shim/ holds one folder per layer, lowest first:
    base record report exit interpose
A file may use its own layer and lower ones, never a higher one:
  1. includes: every #include "x.h" of shim/L/ names a header of L or below;
  2. calls: every symbol an object of shim/L/ leaves undefined, if exitguard
     defines it, is defined in L or below (a call needs no include: this
     catches an extern declared by hand);
  3. interposers: base, record and report never call an exported symbol of
     the library (open, close, fcntl, _exit...): exitguard's own work goes
     to the kernel or libc through real.h.  exit and interpose may (the
     clone child ends through our _exit, pclose of a plain stream is our
     fclose: the program's own path, on purpose).
The command's tools/ is layered the same way (base run collect judge
write; main, tools/exitguard.c, above them all), checked by includes: it
is linked as one program, without objects of its own to read.
Prints one line per breach and exits 1 if there is any.
    check.py shim BUILD_DIR LAYER...
    check.py tools - LAYER..."""
import os
import re
import subprocess
import sys

root, build, layers = sys.argv[1], sys.argv[2], sys.argv[3:]
rank = {layer: i for i, layer in enumerate(layers)}
lowest_callers = layers[: layers.index("exit")] if "exit" in layers else []
breaches = []

# 1. includes
header_layer = {}
for layer in layers:
    for name in os.listdir(os.path.join(root, layer)):
        header_layer[name] = layer
for layer in layers:
    for name in sorted(os.listdir(os.path.join(root, layer))):
        path = os.path.join(root, layer, name)
        with open(path, errors="replace") as f:
            for n, line in enumerate(f, 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m or m.group(1) not in header_layer:
                    continue  # include/exitguard.h, or a system header
                to = header_layer[m.group(1)]
                if rank[to] > rank[layer]:
                    breaches.append("%s:%d: includes %s (%s, above %s)"
                                    % (path, n, m.group(1), to, layer))


def nm(*args):
    out = subprocess.run(["nm", *args], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()]


# 2. calls, and 3. interposers
objects = {layer: [] for layer in layers} if build == "-" else {}
for layer in layers if build != "-" else []:
    d = os.path.join(build, root, layer)
    objects[layer] = sorted(os.path.join(d, o) for o in os.listdir(d) if o.endswith(".o"))
defined_in = {}
for layer in layers:
    for o in objects[layer]:
        for fields in nm("--defined-only", o):
            if len(fields) == 3:
                defined_in.setdefault(fields[2], (layer, o))
exported = set() if build == "-" else {
    f[2] for f in nm("-D", "--defined-only", os.path.join(build, "libexitguard.so"))
    if len(f) == 3 and f[1] in "TW"}
for layer in layers:
    for o in objects[layer]:
        for fields in nm("-u", o):
            sym = fields[-1]
            if sym in exported and layer in lowest_callers:
                breaches.append("%s: calls %s, exitguard's own interposer (use real.h)"
                                % (o, sym))
            elif sym in defined_in and rank[defined_in[sym][0]] > rank[layer]:
                breaches.append("%s: calls %s, defined in %s (%s, above %s)"
                                % (o, sym, defined_in[sym][1], defined_in[sym][0], layer))

for b in breaches:
    print("layers: " + b)
print("layers: %s/: %s: %d files, %d breaches"
      % (root, " < ".join(layers), sum(len(os.listdir(os.path.join(root, l))) for l in layers),
         len(breaches)))
sys.exit(1 if breaches else 0)
