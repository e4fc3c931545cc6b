# exitguard: `make` builds the library and the command, `make check` runs the
# tests, `make bench` the benchmarks, `make install PREFIX=...` installs.
PREFIX ?= /usr/local
CC ?= cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Werror
BASE_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) -Ishim -Iinclude
B = build

SHIM_SRC = $(wildcard shim/*.c)
SHIM_OBJ = $(SHIM_SRC:shim/%.c=$(B)/shim/%.o)
SHIM_HDR = $(wildcard shim/*.h shim/*.def)

all: $(B)/libexitguard.so $(B)/exitguard

$(B)/shim/%.o: shim/%.c $(SHIM_HDR) | $(B)/shim
	$(CC) $(BASE_CFLAGS) -fPIC -fvisibility=hidden -ftls-model=initial-exec -c $< -o $@

# Depends on libc alone: libunwind and libdw are dlopen'ed when first needed.
$(B)/libexitguard.so: $(SHIM_OBJ)
	$(CC) -shared -Wl,-z,now -Wl,--no-undefined -o $@ $^ -ldl

$(B)/shim $(B)/tools $(B)/tests $(B)/tests/programs:
	mkdir -p $@

.PHONY: all check bench install clean
clean:
	rm -rf $(B)
