# Thin conveniences over scripts/ and cmake; the scripts are the source of truth.
BUILD_DIR ?= build
.PHONY: deps build demo test unit asan fuzz bench format format-check clean

deps:
	scripts/install-deps.sh
build:
	scripts/build.sh
demo:
	scripts/demo.sh
test:
	scripts/test.sh
unit: build
	cd $(BUILD_DIR) && ctest -L unit --output-on-failure -j2
asan:
	scripts/asan.sh
fuzz:
	scripts/fuzz.sh
bench:
	scripts/bench.sh
format:
	scripts/format.sh
format-check:
	scripts/format.sh --check
clean:
	rm -rf $(BUILD_DIR) build-asan build-fuzz
