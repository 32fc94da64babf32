# The README's test command is `make test`; .ci/run calls it too.
GO ?= go
PKGS := ./...

.PHONY: test vet fmt-check build run

test: fmt-check vet
	$(GO) test -race -count=1 $(PKGS)

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './frontend/node_modules/*'))"; \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

build:
	$(GO) build -o bin/hopcheck ./cmd/hopcheck

run:
	$(GO) run ./cmd/hopcheck demo
