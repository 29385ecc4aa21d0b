# neurodyn — build, test, install.  `make help` lists the targets.
CC      ?= gcc
BUILD   ?= build
PREFIX  ?= /usr/local
# the Python package's folder (on Debian's sys.path for PREFIX=/usr; for /usr/local give
# PYDIR=/usr/local/lib/python3.11/dist-packages or set PYTHONPATH)
PYDIR   ?= $(PREFIX)/lib/python3/dist-packages
# Vectorised kernels want the machine's widest vectors; override with NATIVE= for portable builds.
NATIVE  ?= -march=native
OPT     ?= -O2
SANITIZE ?=

WARN     := -Wall -Wextra -Werror
CPPFLAGS := -Iinclude -Imodels -I/usr/include/suitesparse -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
CFLAGS_ALL = -std=c11 $(OPT) $(NATIVE) -fopenmp-simd -ffp-contract=off -fPIC $(WARN) $(SANITIZE) $(CFLAGS)
LIBS     := -fopenmp -lsleef -lklu -lamd -lcolamd -lbtf -lsuitesparseconfig -lnlopt -lgsl -lgslcblas -ljansson -ldl -lm
LDFLAGS_ALL = $(SANITIZE) $(LDFLAGS)

# MPI (optional, docs/cluster.md): found through `pkg-config ompi-c`, else mpicc's own flags;
# MPI=0 builds without it (give it its own BUILD folder: the objects differ), MPI=1 insists.
MPI ?= $(shell pkg-config --exists ompi-c 2>/dev/null && echo 1 || (command -v mpicc >/dev/null 2>&1 && echo 1) || echo 0)
ifeq ($(MPI),1)
MPI_CFLAGS := $(shell pkg-config --cflags ompi-c 2>/dev/null || mpicc --showme:compile)
MPI_LIBS   := $(shell pkg-config --libs ompi-c 2>/dev/null || mpicc --showme:link)
CPPFLAGS   += -DND_HAVE_MPI $(MPI_CFLAGS)
LIBS       += $(MPI_LIBS)
endif

STAMP   := build/.deps-ok
MODULES := core models integrators analysis plots sim gpu ode
LIB_SRC := $(foreach m,$(MODULES),$(wildcard $(m)/*.c $(m)/*/*.c))
ifneq ($(MPI),1)
LIB_SRC := $(filter-out gpu/ensemble_mpi.c,$(LIB_SRC))
endif
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_SRC := $(wildcard cli/*.c)
TEST_SRC := $(wildcard tests/*.c)
EXAMPLE_SRC := $(filter-out examples/user_model.c,$(wildcard examples/*.c))
BENCH_SRC := $(wildcard bench/*.c)
FUZZ_SRC := $(wildcard fuzz/*.c)

# The version is written once, in include/neurodyn/version.h. While the major version is 0 a
# minor version may change the ABI, so the SONAME carries both (libneurodyn.so.0.1).
version_part = $(shell sed -n 's/^[#]define ND_VERSION_$(1) \([0-9][0-9]*\).*/\1/p' include/neurodyn/version.h)
VERSION_MAJOR := $(call version_part,MAJOR)
VERSION_MINOR := $(call version_part,MINOR)
VERSION := $(VERSION_MAJOR).$(VERSION_MINOR).$(call version_part,PATCH)
SOVERSION := $(if $(filter 0,$(VERSION_MAJOR)),$(VERSION_MAJOR).$(VERSION_MINOR),$(VERSION_MAJOR))
SONAME  := libneurodyn.so.$(SOVERSION)

STATIC  := $(BUILD)/lib/libneurodyn.a
# the library file, and the links libneurodyn.so -> SONAME -> it
SHARED_FILE := $(BUILD)/lib/libneurodyn.so.$(VERSION)
SHARED  := $(BUILD)/lib/libneurodyn.so
CLI     := $(BUILD)/bin/neurodyn
TESTS   := $(BUILD)/tests/neurodyn-tests
EXAMPLES := $(EXAMPLE_SRC:examples/%.c=$(BUILD)/examples/%)
BENCHES := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
FUZZERS := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzzers/%)

NVCC := $(shell command -v nvcc 2>/dev/null || ls /usr/local/cuda/bin/nvcc 2>/dev/null)

# keep the object files that only examples, benches and fuzzers use (intermediate otherwise).
# Not a bare .SECONDARY:, which makes every target secondary, so that a library object missing
# after a pull that added a source file was not rebuilt while the archive looked up to date.
.PRECIOUS: $(BUILD)/obj/%.o

.PHONY: all deps test asan bench demo install uninstall clean help cuda-check link-check fuzz fuzz-run python-test
all: $(STATIC) $(SHARED_FILE) $(SHARED) $(CLI) $(EXAMPLES) $(TESTS)

help:
	@echo "make            build libraries, CLI, examples and tests under $(BUILD)/"
	@echo "make deps       install the Debian packages the build needs (root) or name them"
	@echo "make test       build and run the Criterion test suite"
	@echo "make asan       the test suite under AddressSanitizer + UndefinedBehaviorSanitizer"
	@echo "make demo       the main job: analyse the built-in models into ./out"
	@echo "make bench      benchmarks (print ratios, never assert)"
	@echo "make fuzz       libFuzzer on the argument parsers and the model validator (FUZZ_SECONDS each, default 60)"
	@echo "make install PREFIX=/usr/local   headers, libraries, CLI, neurodyn.pc, the Python package"
	@echo "make link-check  install into $(BUILD)/link-check and link with pkg-config (part of make test)"
	@echo "make python-test the Python package's tests (python/tests, unittest; part of make test)"

deps:
	@rm -f $(STAMP)
	@scripts/deps.sh $(STAMP)

$(STAMP): scripts/deps.sh
	@scripts/deps.sh $(STAMP)

$(BUILD)/obj/%.o: %.c | $(STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

# A model file is compiled three times and linked into one object: as it is; in the float pass
# (ND_SINGLE_PASS, kernels.h) from which only name_ens_single is kept, the RK4 lanes with the
# RHS in float that --precision single runs; and in the scalar pass (ND_SCALAR_PASS), from which
# only name_drv_fixed is kept, the single-trajectory driver with lazily evaluated selects. Clang has no -fsingle-precision-constant (its float
# pass still computes constants' terms in double).
SINGLE_PASS = -DND_SINGLE_PASS $(if $(findstring clang,$(CC)),,-fsingle-precision-constant)
# ND_VECMATH: the math functions of model bodies are SLEEF's, vectorised in the lanes (vecmath.h).
# ND_WITH_SCALAR_PASS: the plain RHS, Jacobian and diffusion are the scalar pass's, with libm (model.h).
$(BUILD)/obj/models/%.o: CPPFLAGS += -DND_VECMATH -DND_WITH_SCALAR_PASS
$(BUILD)/obj/models/%.o: models/%.c | $(STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -MMD -MP -MF $(@:.o=.d) -MT $@ -c $< -o $(@:.o=.double.o)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) $(SINGLE_PASS) -c $< -o $(@:.o=.single.o)
	objcopy --wildcard --keep-global-symbol='*_ens_single' $(@:.o=.single.o)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -DND_SCALAR_PASS -UND_VECMATH -c $< -o $(@:.o=.scalar.o)
	objcopy --wildcard --keep-global-symbol='*_drv_fixed' --keep-global-symbol='nd_libm__*' $(@:.o=.scalar.o)
	ld -r $(@:.o=.double.o) $(@:.o=.single.o) $(@:.o=.scalar.o) -o $@
	rm -f $(@:.o=.double.o) $(@:.o=.single.o) $(@:.o=.scalar.o)

# the ensemble's CPU path spreads blocks of trajectories over all cores
$(BUILD)/obj/gpu/%.o: CFLAGS_ALL += -fopenmp

$(STATIC): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(SHARED_FILE): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,$(SONAME) -o $@ $^ $(LDFLAGS_ALL) $(LIBS)

$(SHARED): $(SHARED_FILE)
	ln -sf $(notdir $(SHARED_FILE)) $(dir $@)$(SONAME)
	ln -sf $(SONAME) $@

$(CLI): $(CLI_SRC:%.c=$(BUILD)/obj/%.o) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(LDFLAGS_ALL) $(LIBS)

$(TESTS): $(TEST_SRC:%.c=$(BUILD)/obj/%.o) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(LDFLAGS_ALL) -lcriterion -pthread $(LIBS)

$(BUILD)/examples/%: $(BUILD)/obj/examples/%.o $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(LDFLAGS_ALL) $(LIBS)

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(LDFLAGS_ALL) $(LIBS)

# Fuzzing (libFuzzer, clang): the library and the CLI's parsers built with the fuzzer's
# coverage and ASan/UBSan in build/fuzz; each harness runs FUZZ_SECONDS from the seed corpus in
# fuzz/corpus/NAME, adding what it finds to build/fuzz/corpus/NAME; a crash leaves its input in
# build/fuzz/artifacts/ and fails. `make test` runs a short round (FUZZ_SECONDS=10) when clang's
# fuzzer runtime is installed (scripts/deps.sh installs it).
FUZZ_SECONDS ?= 60
FUZZ_SANITIZE := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
$(BUILD)/fuzzers/%: $(BUILD)/obj/fuzz/%.o $(BUILD)/obj/cli/common.o $(BUILD)/obj/cli/faults.o $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) -fsanitize=fuzzer -o $@ $^ $(LDFLAGS_ALL) $(LIBS)

fuzz:
	$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang OPT="-O1 -g" SANITIZE="$(FUZZ_SANITIZE)" \
	    FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz-run

fuzz-run: $(FUZZERS)
	@mkdir -p $(BUILD)/artifacts
	@for f in $(FUZZERS); do n=$$(basename $$f); mkdir -p $(BUILD)/corpus/$$n; \
	    echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=0 \
	        -artifact_prefix=$(BUILD)/artifacts/$$n- $(BUILD)/corpus/$$n fuzz/corpus/$$n \
	        > $(BUILD)/$$n.log 2>&1 || { tail -40 $(BUILD)/$$n.log; exit 1; }; done

# The tests run the CLI too, so it is built first. -j2: Criterion runs tests in parallel.
test: $(TESTS) $(CLI) $(EXAMPLES) cuda-check link-check
	ND_CLI=$(abspath $(CLI)) ND_SRC=$(CURDIR) $(TESTS) -j2
	@$(MAKE) --no-print-directory python-test
	@if [ "$(BUILD)" != build ]; then :; \
	elif clang -fsanitize=fuzzer -x c /dev/null -o /dev/null 2>/dev/null || \
	     printf 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' | \
	     clang -fsanitize=fuzzer -x c - -o $(BUILD)/.fuzz-probe 2>/dev/null; then \
	    $(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10; \
	else echo "fuzz: clang's libFuzzer runtime is not installed (scripts/deps.sh installs it): skipped"; fi

# The Python package (python/neurodyn, cffi over the shared library) against the CLI. Debian's
# Python, which has python3-cffi and python3-numpy (scripts/deps.sh); skipped without them, and
# under sanitizers (make asan), whose runtime must be loaded before Python starts.
PYTHON ?= /usr/bin/python3
python-test: $(SHARED) $(CLI)
	@if [ -n "$(SANITIZE)" ]; then \
	    echo "python-test: a sanitized libneurodyn.so cannot be loaded into Python: skipped"; \
	elif ! $(PYTHON) -c 'import cffi, numpy' 2>/dev/null; then \
	    echo "python-test: $(PYTHON) lacks cffi or numpy (scripts/deps.sh installs python3-cffi python3-numpy): skipped"; \
	else \
	    NEURODYN_LIB=$(abspath $(SHARED)) ND_CLI=$(abspath $(CLI)) ND_SRC=$(CURDIR) PYTHONPATH=$(CURDIR)/python \
	    $(PYTHON) -m unittest discover -s python/tests -t python/tests $(if $(V),-v); fi

asan:
	$(MAKE) BUILD=build/asan OPT="-O1 -g" \
	    SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" test

# The hand-written baselines the ratios are against live outside the repository (BASELINES);
# they are built here with their README's flags, and skipped with a message when absent.
BASELINES ?= $(abspath ../shared/baselines)
BASELINE_BIN := $(BUILD)/baselines
BASELINE_PROGS := $(addprefix $(BASELINE_BIN)/,hh_simd_sleef lorenz_simd_full hh_rk4 hh_rk4_sleef)
$(BASELINE_BIN)/hh_simd_sleef: $(BASELINES)/hh_simd_sleef.c
	@mkdir -p $(dir $@)
	$(CC) -O3 -march=native -fopenmp -o $@ $< -lsleef -lm
$(BASELINE_BIN)/lorenz_simd_full: $(BASELINES)/lorenz_simd_full.c
	@mkdir -p $(dir $@)
	$(CC) -O3 -march=native -fopenmp -o $@ $<
$(BASELINE_BIN)/hh_rk4: $(BASELINES)/hh_rk4.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -o $@ $< -lm
# the same program with SLEEF's scalar exp, the one the driver calls (bench/sleef_scalar_exp.h)
$(BASELINE_BIN)/hh_rk4_sleef: $(BASELINES)/hh_rk4.c bench/sleef_scalar_exp.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -include bench/sleef_scalar_exp.h -o $@ $< -lsleef -lm

bench: $(BENCHES) $(CLI)
	@for b in $(BENCHES); do echo "== $$b"; ND_CLI=$(abspath $(CLI)) $$b || exit 1; done
	@if [ -f $(BASELINES)/hh_simd_sleef.c ]; then \
	    $(MAKE) --no-print-directory $(BASELINE_PROGS) && echo "== bench/ratios.sh (against $(BASELINES))" && \
	    bench/ratios.sh $(abspath $(CLI)) $(abspath $(BASELINE_BIN)); \
	else echo "bench: no baselines in $(BASELINES) (set BASELINES=...): ratios skipped"; fi

# The COBA network against the hand-written coba_split.c of the shared baselines folder (never
# copied into the repository; a relative BASELINES is relative to this folder), skipped with a
# message when it is absent. `make bench` runs it too.
BASELINES ?= ../shared/baselines
COBA_REPS ?= 5
.PHONY: bench-coba
bench-coba: $(CLI)
	@bench/coba_baseline.sh $(abspath $(CLI)) $(abspath $(BASELINES)) $(BUILD)/baselines $(COBA_REPS)
bench: bench-coba

demo: $(CLI)
	scripts/demo.sh $(CLI) out

# CUDA parts build when nvcc is present: the zoo's RHS bodies must compile as device code.
# The ensemble's device code: libneurodyn_cuda.so, loaded at run time by gpu/cuda_host.c. No FMA
# contraction (-fmad=false), as on the CPU, so both paths round alike.
CUDA_LIB := $(if $(NVCC),$(BUILD)/cuda/libneurodyn_cuda.so)
# sm_90 machine code (H100/H200) and compute_75 PTX that newer devices compile at load time; the
# device builds of user model files use the same targets (gpu/cuda_host.c, NVCC_FLAGS)
NVCC_ARCH := -gencode arch=compute_90,code=sm_90 -gencode arch=compute_75,code=compute_75
cuda-check: $(CUDA_LIB)
ifeq ($(NVCC),)
	@echo "cuda-check: nvcc not found, skipped"
else
	@mkdir -p $(BUILD)/cuda
	$(NVCC) -std=c++17 -Iinclude -c gpu/device_check.cu -o $(BUILD)/cuda/device_check.o
endif

$(BUILD)/cuda/libneurodyn_cuda.so: gpu/ensemble_cuda.cu $(wildcard include/neurodyn/*.h include/neurodyn/*.cuh models/*.c models/*.h)
	@mkdir -p $(dir $@)
	$(NVCC) -std=c++20 -fmad=false -Xcompiler -fPIC -shared $(NVCC_ARCH) -Iinclude -Imodels gpu/ensemble_cuda.cu -o $@

install: $(STATIC) $(SHARED_FILE) $(SHARED) $(CLI)
	install -d $(DESTDIR)$(PREFIX)/include/neurodyn $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(filter-out $(if $(filter 1,$(MPI)),,include/neurodyn/ensemble_mpi.h),$(wildcard include/neurodyn/*.h)) \
	    include/neurodyn/*.cuh $(DESTDIR)$(PREFIX)/include/neurodyn/
	install -m 644 $(STATIC) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(SHARED_FILE) $(DESTDIR)$(PREFIX)/lib/
	ln -sf $(notdir $(SHARED_FILE)) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/libneurodyn.so
	install -m 755 $(CLI) $(DESTDIR)$(PREFIX)/bin/
	if [ -f $(BUILD)/cuda/libneurodyn_cuda.so ]; then install -m 755 $(BUILD)/cuda/libneurodyn_cuda.so $(DESTDIR)$(PREFIX)/lib/; fi
	install -d $(DESTDIR)$(PYDIR)/neurodyn
	install -m 644 python/neurodyn/*.py $(DESTDIR)$(PYDIR)/neurodyn/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBS@|$(LIBS)|' -e 's|@VERSION@|$(VERSION)|' neurodyn.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/neurodyn.pc

# The installed neurodyn.pc gives working link lines: `pkg-config --libs` links an example
# against the shared library, whose NEEDED entry must be the SONAME; `pkg-config --static
# --libs`, with the shared library removed from the prefix, links the example and the CLI (which
# uses every part: KLU, NLopt, OpenMP) against libneurodyn.a. Each program runs.
LINK_CHECK := $(abspath $(BUILD))/link-check
LINK_PC = PKG_CONFIG_PATH=$(LINK_CHECK)/prefix/lib/pkgconfig pkg-config
link-check: $(STATIC) $(SHARED_FILE) $(SHARED) $(CLI)
	@rm -rf $(LINK_CHECK) && mkdir -p $(LINK_CHECK)
	@$(MAKE) --no-print-directory install PREFIX=$(LINK_CHECK)/prefix DESTDIR= > $(LINK_CHECK)/install.log
	@test "$$($(LINK_PC) --modversion neurodyn)" = "$(VERSION)" || { echo "link-check: neurodyn.pc is not version $(VERSION)"; exit 1; }
	$(CC) $(SANITIZE) -o $(LINK_CHECK)/fhn-shared examples/simulate_fhn.c $$($(LINK_PC) --cflags --libs neurodyn)
	@readelf -d $(LINK_CHECK)/fhn-shared | grep -q 'NEEDED.*\[$(SONAME)\]' || { echo "link-check: not linked to $(SONAME)"; exit 1; }
	LD_LIBRARY_PATH=$(LINK_CHECK)/prefix/lib $(LINK_CHECK)/fhn-shared > /dev/null
	@rm -f $(LINK_CHECK)/prefix/lib/libneurodyn.so*
	$(CC) $(SANITIZE) -o $(LINK_CHECK)/fhn-static examples/simulate_fhn.c $$($(LINK_PC) --static --cflags --libs neurodyn)
	$(CC) $(SANITIZE) -o $(LINK_CHECK)/neurodyn-static $(CLI_SRC:%.c=$(BUILD)/obj/%.o) $$($(LINK_PC) --static --libs neurodyn)
	@! readelf -d $(LINK_CHECK)/fhn-static $(LINK_CHECK)/neurodyn-static | grep -q 'NEEDED.*libneurodyn' || { echo "link-check: a static link needs libneurodyn.so"; exit 1; }
	$(LINK_CHECK)/fhn-static > /dev/null
	$(LINK_CHECK)/neurodyn-static --version
	$(LINK_CHECK)/neurodyn-static sweep fhn --par Iext=0:1:4 --t1 20 --device cpu --json > /dev/null

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/include/neurodyn
	rm -f $(DESTDIR)$(PREFIX)/lib/libneurodyn.a $(DESTDIR)$(PREFIX)/lib/libneurodyn.so \
	      $(DESTDIR)$(PREFIX)/lib/$(SONAME) $(DESTDIR)$(PREFIX)/lib/$(notdir $(SHARED_FILE)) $(DESTDIR)$(PREFIX)/lib/libneurodyn_cuda.so \
	      $(DESTDIR)$(PREFIX)/bin/neurodyn $(DESTDIR)$(PREFIX)/lib/pkgconfig/neurodyn.pc
	rm -rf $(DESTDIR)$(PYDIR)/neurodyn

clean:
	rm -rf $(BUILD) out

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
