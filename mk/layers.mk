# The library's layers (tests/layers/check.py): includes and calls go down
# or sideways, never up; the lower layers never call our own interposers.
check-layers: $(B)/libexitguard.so
	python3 tests/layers/check.py $(B) $(SHIM_LAYERS)
check: check-layers
.PHONY: check-layers
