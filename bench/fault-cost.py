"""Prints what a page fault costs on this machine, in microseconds: the first touch of pages of
a file in the page cache, through a fresh mapping. Hooks are short processes that touch a few
hundred pages each (the binary, the commit-graph, the pack index), so this cost sets much of
their time; on a virtual machine it can be ten times what it is on hardware.

    python3 bench/fault-cost.py FILE
"""

import mmap
import os
import sys
import time

path = sys.argv[1]
fd = os.open(path, os.O_RDONLY)
size = os.fstat(fd).st_size
os.read(fd, size)  # into the page cache: only mapping it is timed
view = mmap.mmap(fd, size, prot=mmap.PROT_READ)
# 64 KB apart: each touch is a fault of its own, whatever the kernel maps around it.
offsets = range(0, size, 65536)
start = time.perf_counter()
total = sum(view[offset] for offset in offsets)
first = time.perf_counter() - start
start = time.perf_counter()
total += sum(view[offset] for offset in offsets)
again = time.perf_counter() - start
print(f"{(first - again) / len(offsets) * 1e6:.1f}")
