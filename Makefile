# eslsh — make deps | build | test | demo | release | install | deb | deb-check | bench | man | fuzz | mutate | startup-order | clean
SWIFT ?= swift
# Debian packages the build and the tests need; installed only when missing.
DEB_PACKAGES = libedit-dev libncurses-dev pkg-config tmux groff-base
# And those `make deb` and `make deb-check` need (dpkg-parsechangelog, strip, lintian, man).
DEB_TOOLS = dpkg-dev binutils lintian man-db
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps deb-deps build release install uninstall deb deb-check test tsan sanitize demo man fuzz bench mutate startup-order clean

all: build

install-missing = @missing=""; \
	for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing missing packages:$$missing"; \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y $$missing; \
	fi

deps:
	$(call install-missing,$(DEB_PACKAGES))

deb-deps:
	$(call install-missing,$(DEB_TOOLS))

build: deps
	$(SWIFT) build

# The shipped eslsh is one static executable: start-up is most of a one-shot run, and dynamic loading
# of the Swift runtime, Foundation's parts and libedit was half of it (docs/PERFORMANCE.md). Built in its
# own scratch path so the other products keep their ordinary release build; a file target, so `make deb`
# reuses it until a source changes.
STATIC_ESLSH = .build-static/release/eslsh
release: deps $(STATIC_ESLSH)
	$(SWIFT) build -c release

# The functions a one-shot run executes, placed together by lld, so that `eslsh -x status` faults in
# about 36 windows of text instead of 80 spread over the Swift runtime and libraries (docs/PERFORMANCE.md).
# `make startup-order` regenerates the list from a profile; a name that no longer exists is skipped, so
# a stale list only clusters less. lld comes with the Swift toolchain (clang finds it beside itself);
# without it the default linker links in its own order.
STARTUP_ORDER = Sources/eslsh/Generated/startup-order.txt
LLD := $(shell d=$$(dirname "$$(readlink -f "$$(command -v swiftc)")" 2>/dev/null); [ -x "$$d/ld.lld" ] && echo "$$d/ld.lld" || command -v ld.lld)
STATIC_ORDER = $(if $(LLD),-Xswiftc -use-ld=lld -Xlinker --symbol-ordering-file=$(CURDIR)/$(STARTUP_ORDER) -Xlinker --no-warn-symbol-ordering)

$(STATIC_ESLSH): Package.swift $(wildcard Package.resolved) $(shell find Sources -type f) | deps
	@mkdir -p .build-static
	@status=0; $(SWIFT) build -c release --product eslsh --scratch-path .build-static -Xswiftc -static-executable \
		-Xlinker -ltinfo -Xlinker -lbsd -Xlinker -lmd $(STATIC_ORDER) > .build-static/build.log 2>&1 || status=$$?; \
		grep -v "statically linked applications requires at runtime\|use of .mktemp. is dangerous" .build-static/build.log; \
		exit $$status
	@test -x $@ && touch $@

# Regenerates $(STARTUP_ORDER) from a callgrind profile of `eslsh -x status` against eslsim (valgrind).
startup-order: release
	scripts/startup-order.sh $(STATIC_ESLSH) .build/release/eslsim $(STARTUP_ORDER)

# The static eslsh, its manual and shell completions (generated from the option definitions).
# `make install PREFIX=/usr/local` (the default); DESTDIR for staging.
PREFIX ?= /usr/local
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
install: release
	install -d $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR)
	install -m 755 $(STATIC_ESLSH) $(BINDIR)/eslsh
	install -m 644 docs/eslsh.1 $(MANDIR)/eslsh.1
	$(STATIC_ESLSH) --generate-completion-script bash > $(BASHDIR)/eslsh
	$(STATIC_ESLSH) --generate-completion-script zsh > $(ZSHDIR)/_eslsh
	$(STATIC_ESLSH) --generate-completion-script fish > $(FISHDIR)/eslsh.fish
	@echo "Installed eslsh in $(BINDIR); try: man eslsh"

uninstall:
	rm -f $(BINDIR)/eslsh $(MANDIR)/eslsh.1 $(BASHDIR)/eslsh $(ZSHDIR)/_eslsh $(FISHDIR)/eslsh.fish

# The Debian package (packaging/debian/): the static eslsh, its manual, completions and guide in
# Debian's paths. VERSION is the one `eslsh --version` prints, read from its one definition in the
# sources; packaging/debian/build.sh checks the built binary and the changelog agree with it.
VERSION = $(shell grep -rhoE --include='*.swift' 'version: "eslsh [^"]+"' Sources | sed -e 's/.*eslsh //' -e 's/"$$//')
DEB = .build-deb/eslsh_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null).deb
deb: $(DEB)

$(DEB): $(STATIC_ESLSH) docs/eslsh.1 docs/guide.md docs/console.md $(wildcard packaging/debian/*) | deb-deps
	@case "$(VERSION)" in *[!0-9A-Za-z.+~-]*|"") \
		echo "make deb: want one 'version: \"eslsh X\"' in Sources/, found: '$(VERSION)'" >&2; exit 1;; esac
	@mkdir -p $(@D)
	packaging/debian/build.sh $(STATIC_ESLSH) $(VERSION) $@

# Builds the package and fails on any deviation from what packaging/debian/contents lists, on a wrong
# control field, and on any lintian error or warning that lintian-overrides does not explain.
deb-check: $(DEB)
	packaging/debian/check.sh $(DEB) $(VERSION)

# The end-to-end tests run the eslsh binary: build it first. Then the threaded parts again under the
# thread sanitizer (the reader thread, queues, printer and simulator share state), including the
# console in tmux, run as a sanitized eslsh (a race report exits 66 and fails the test). Last, the
# Debian package is built from the static eslsh and checked (make deb-check).
#
# One test at a time (--no-parallel): most tests block a thread on a socket, a pipe or a terminal while
# eslsh or the simulator works, and Swift Testing runs parallel tests on a pool as wide as the cores (2
# here). Blocked tests starve the others of threads while their time limits run, so a loaded machine
# failed dozens of healthy tests with "Time limit exceeded"; alone, each passes. The tests wait for
# conditions with generous hang bounds (Tests/TestSupport/Waiting.swift), so one at a time is safe under
# load; it takes a few minutes.
test: deps
	$(SWIFT) build
	$(SWIFT) test --no-parallel
	$(MAKE) tsan TSAN_FILTER='ConnectionTests|InboundQueueTests|EventDecodingTests|ConnectTimeoutTests|StreamedResponseTests|SimulatorBehaviourTests|SimulatorConformanceTests|RecordingReplayTests|ConsoleUITests|InteractiveConsoleTests|ConsoleFaultTests|OutboundConsoleTests|CallControlConsoleTests|CallControlScriptTests'
	$(MAKE) deb-check

TSAN_FILTER ?= .
# ASan holds freed memory in a quarantine (256 MB by default); kept small so memory bounds can be checked.
LSAN = LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp:print_suppressions=0 ASAN_OPTIONS=quarantine_size_mb=16 SWIFT_BACKTRACE=enable=no

# TEST_FLAGS: one test at a time by default, for the reason given above test:.
TEST_FLAGS ?= --no-parallel
tsan: deps
	$(SWIFT) build --build-tests --sanitize thread --scratch-path .build-tsan
	TSAN_OPTIONS=halt_on_error=1 $(SWIFT) test --skip-build --sanitize thread --scratch-path .build-tsan --filter '$(TSAN_FILTER)' $(TEST_FLAGS)

# The whole suite under the thread and the address sanitizer, one test at a time.
sanitize: deps
	$(MAKE) tsan TSAN_FILTER=.
	$(SWIFT) build --build-tests --sanitize address --scratch-path .build-asan
	$(LSAN) $(SWIFT) test --skip-build --sanitize address --scratch-path .build-asan --no-parallel

# Runs eslsh against the project's simulated FreeSWITCH on a free loopback port.
demo: build
	@scripts/demo.sh .build/debug

# The manual: generated from the option definitions, plus docs/eslsh-sections.mdoc.
man: deps
	$(SWIFT) package --allow-writing-to-package-directory generate-manual --configuration debug --authors "eslsh developers"
	python3 scripts/man.py .build/plugins/GenerateManual/outputs/eslsh/eslsh.1 docs/eslsh-sections.mdoc docs/eslsh.1

# Performance figures against baselines measured in the same run (docs/PERFORMANCE.md); BENCH_ARGS=--quick.
bench: release
	.build/release/eslbench --captures Tests/TestSupport/Fixtures --bin .build/release --eslsh $(STATIC_ESLSH) $(BENCH_ARGS)

# libFuzzer over the decoders, seeded from the captures; FUZZ_SECONDS (default 60).
fuzz: deps
	scripts/fuzz.sh

# Mutation testing: each mutation of scripts/mutations.txt applied alone, built and run against the tests
# that should catch it, then reverted; every one must be caught (docs/RELIABILITY.md has the last figure).
# Slow (a build per mutation); MUTATE_ARGS=--list checks the list, --only 3,7 runs some.
mutate: deps
	scripts/mutate.py $(MUTATE_ARGS)

clean:
	rm -rf .build .build-static .build-tsan .build-asan .build-deb
