package neo4jstore_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/neo4jstore"
)

func TestOpenUnreachable(t *testing.T) {
	// A port that was just free: nothing listens there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	uri := "bolt://" + l.Addr().String()
	l.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: uri, User: "neo4j", Password: "secret-password"})
	if err == nil {
		s.Close()
		t.Fatal("Open on a closed port succeeded")
	}
	if !errors.Is(err, graph.ErrUnavailable) {
		t.Errorf("error %v: want code %s", err, graph.EUNAVAILABLE)
	}
	msg := err.Error()
	if !strings.Contains(graph.ErrorMessage(err), uri) || !strings.Contains(msg, "unreachable") {
		t.Errorf("message %q: want the URI and that it is unreachable", msg)
	}
	if strings.Contains(msg, "ConnectivityError") || strings.Count(msg, ":") > 4 {
		t.Errorf("message %q: want one clear sentence, not the driver's stack of errors", msg)
	}
	t.Log(msg)
}
