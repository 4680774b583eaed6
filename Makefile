# steercheck — see README.md.
GO ?= go
BENCHTIME ?= 1x
BIN := bin/steercheck

.PHONY: run test race lint ci bench fuzz build verdicts barriers proptest herd7

# The main job on built-in defaults: every variant under every memory model, each
# verdict compared with the expected one (violations of the historical bugs are
# expected findings). Exits 0 when every verdict is the expected one.
run: build
	$(BIN) check --expect

# The binary the README's examples use (go run would turn every exit code into 1).
# -buildvcs=auto stamps the commit into `steercheck version` and every report's tool
# line even where the environment sets GOFLAGS=-buildvcs=false (our development
# machine does); where git cannot say (not a checkout, a repository owned by another
# user), the build goes on without it.
build:
	@$(GO) build -buildvcs=auto -o $(BIN) ./cmd/steercheck 2>/dev/null || \
		$(GO) build -buildvcs=false -o $(BIN) ./cmd/steercheck

# The tests CI runs (short budgets; see `make proptest` for longer ones).
test:
	$(GO) vet ./...
	$(GO) test -short -count=1 ./...

# The same tests under the race detector (CI runs it after make test).
race:
	$(GO) test -race -short -count=1 -timeout 20m ./...

lint:
	@test -z "$$(gofmt -l .)" || (echo "gofmt would change:"; gofmt -l .; exit 1)
	$(GO) vet ./...
	$(GO) mod tidy -diff

# Everything CI runs (.ci/run).
ci: lint test race

# Explorer benchmarks: executions explored, executions per second, wall time, for the
# reference steering scenarios under each model; and the whole kernel litmus folder in
# one process.
bench:
	$(GO) test -run XXX -bench . -benchtime $(BENCHTIME) ./bench/
	$(GO) test -run XXX -bench KernelLitmusFolder -benchtime 20x ./litmus/

# Fuzz the litmus parser, the litmus translator and the trace reader for a bounded
# time each.
FUZZTIME ?= 5m
fuzz:
	$(GO) test ./litmus -run XXX -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./litmus -run XXX -fuzz '^FuzzTranslate$$' -fuzztime $(FUZZTIME)
	$(GO) test ./traces -run XXX -fuzz '^FuzzUnmarshal$$' -fuzztime $(FUZZTIME)

# Regenerate docs/VERDICTS.md (a test fails when it is stale). Its four-CPU table makes it
# long: 60 minutes on 2 cores, 16 GB of memory at the peak (two weak-model runs at once).
verdicts: build
	$(BIN) verdicts --out docs/VERDICTS.md

# docs/BARRIERS.md, docs/barriers/ (witnesses) and docs/litmus/ (exported patterns).
barriers: build
	$(BIN) barriers --doc docs/BARRIERS.md

# Run herd7 (when installed: $$STEERCHECK_HERD7, herd7-lkmm or herd7) on every docs/litmus
# test and compare with our runner's records beside them; herd7 takes minutes on the largest.
herd7:
	$(GO) test -count=1 -timeout 0 -run TestDocsLitmusAgreeWithHerd7 -v ./requirements/

# Property tests with larger budgets than CI's -short runs.
proptest:
	$(GO) test -count=1 -run 'Rapid|Random|Search|Walk|Matches|Inclusion|BruteForce|Agree' ./model/ ./properties/ ./linearize/ ./litmus/ -args -rapid.checks=2000
