# The README's test command is `make test`; .ci/run calls it too.
GO ?= go
PKGS := ./...
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: test vet lint fmt-check build run

test: fmt-check vet lint
	# -p 1: the Neo4j tests of several packages share one database.
	$(GO) test -race -count=1 -p 1 $(PKGS)

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
