# The library's layers (tests/layers/check.py): includes and calls go down
# or sideways, never up; the lower layers never call our own interposers.
check-layers: $(B)/libexitguard.so
	python3 tests/layers/check.py shim $(B) $(SHIM_LAYERS)
	python3 tests/layers/check.py tools - $(TOOLS_LAYERS)
check: check-layers
.PHONY: check-layers
