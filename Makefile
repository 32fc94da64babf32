# The README's test command is `make test`; .ci/run calls it too.
GO ?= go
PKGS := ./...
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: test go-test ui-test ui vet lint fmt-check build run

test: fmt-check vet lint go-test ui-test

go-test:
	# -p 1: the Neo4j tests of several packages share one database.
	# -timeout: the Neo4j store's tests take several minutes on 2 cores.
	$(GO) test -race -count=1 -p 1 -timeout 25m $(PKGS)

# The UI's unit and browser tests and the check that frontend/dist is
# current; they skip without npm or Chromium (fail with CI=true).
ui-test:
	scripts/ui-test.sh

# Rebuilds frontend/dist, which the binary embeds; commit the result.
ui:
	cd frontend && npm ci --no-audit --no-fund && npm run build

vet:
	$(GO) vet $(PKGS)

lint:
	$(STATICCHECK) $(PKGS)

fmt-check:
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './frontend/node_modules/*'))"; \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

build:
	$(GO) build -o bin/hopcheck ./cmd/hopcheck

run:
	$(GO) run ./cmd/hopcheck demo
