/* Where the statics go that every process writes at start (what it was
 * started with: argv, LD_PRELOAD and the options, copied), that a forked
 * child writes before it execs or exits (whose process it is, where it
 * stands in its exit, the signal dispositions a shell resets in each
 * child), and that its parent writes around each fork (the sequence
 * noted, the spare child record taken).  Every page of our data either
 * writes after a fork is a copy-on-write fault, and every page a process
 * writes at start a fault of its own: spread over the objects' own data
 * they took three or four pages a fork, in one section of their own (the
 * linker merges same-named sections) they share one, which the loader
 * writes anyway (.data and the start of .bss are on it).  make
 * check-fork-state fails when it spans two pages. */
#ifndef EXITGUARD_FORK_STATE_H
#define EXITGUARD_FORK_STATE_H

#define EG_FORK_STATE __attribute__((section("eg_fork_state")))

/* The same for text: what nearly every process runs -- a shell's forked
 * child before it execs or exits (the atfork handler, the exec look and
 * exec, exit, the signal dispositions it resets) and the end of a process
 * that holds nothing (its record line under the command).  Fork copies no
 * page table entries of a file mapping, and the kernel maps text around a
 * fault only within an aligned 64 KiB window: spread over our text, these
 * took two or three faults a process; side by side (the linker puts
 * .text.hot first, after the constructor), one. */
#define EG_HOT_TEXT __attribute__((section(".text.hot.eg_forked_child")))

#endif
