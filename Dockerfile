# hopcheck: one static binary serving the API and the web UI.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/hopcheck ./cmd/hopcheck

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/hopcheck /usr/local/bin/hopcheck
USER nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/hopcheck"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
