# faxkit front end. `make demo` and `make check` install what is missing (apt-get), build, and run.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=
ifeq ($(CI),true)
CMAKE_FLAGS += -DFAXKIT_WERROR=ON
endif

.PHONY: all build deps configure check unit bats fuzz demo bench clean install

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

check: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit

bats: build
	cd $(BUILD) && ctest --output-on-failure -L bats

fuzz: deps
	./tests/fuzz/run.sh 60

demo: deps build
	./scripts/demo.sh $(BUILD)

bench: deps build
	./bench/run.sh $(BUILD)

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD)
