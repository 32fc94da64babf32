package main

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestComposeFile checks docker-compose.yml parses and wires hopcheck to
// Neo4j 5.26 the way the README says; CI has no Docker engine to run it.
func TestComposeFile(t *testing.T) {
	data, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Build       string            `yaml:"build"`
			Environment map[string]string `yaml:"environment"`
			Volumes     []string          `yaml:"volumes"`
			Ports       []string          `yaml:"ports"`
			Command     []string          `yaml:"command"`
			Restart     string            `yaml:"restart"`
			Healthcheck *struct {
				Test        []string `yaml:"test"`
				Interval    string   `yaml:"interval"`
				Timeout     string   `yaml:"timeout"`
				Retries     int      `yaml:"retries"`
				StartPeriod string   `yaml:"start_period"`
			} `yaml:"healthcheck"`
			DependsOn map[string]struct {
				Condition string `yaml:"condition"`
			} `yaml:"depends_on"`
		} `yaml:"services"`
		Volumes map[string]any `yaml:"volumes"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	neo, app := c.Services["neo4j"], c.Services["hopcheck"]
	if neo.Image != "neo4j:5.26-community" || neo.Healthcheck == nil || !strings.HasPrefix(neo.Environment["NEO4J_AUTH"], "neo4j/${NEO4J_PASSWORD") {
		t.Errorf("neo4j service: %+v", neo)
	}
	if len(neo.Volumes) == 0 || !strings.HasSuffix(neo.Volumes[0], ":/data") {
		t.Errorf("neo4j data volume: %v", neo.Volumes)
	}
	if _, ok := c.Volumes[strings.Split(neo.Volumes[0], ":")[0]]; !ok {
		t.Errorf("volume %s not declared", neo.Volumes[0])
	}
	if app.Build != "." || app.DependsOn["neo4j"].Condition != "service_healthy" ||
		app.Environment["HOPCHECK_STORE"] != "neo4j" || app.Environment["NEO4J_URI"] != "bolt://neo4j:7687" ||
		app.Environment["HOPCHECK_API_KEYS"] == "" {
		t.Errorf("hopcheck service: %+v", app)
	}
	// The command must be one the binary accepts.
	if len(app.Command) == 0 || commands[app.Command[0]] == nil {
		t.Errorf("hopcheck command %v is not a hopcheck command", app.Command)
	}
	for _, p := range append(neo.Ports, app.Ports...) {
		if !strings.HasPrefix(p, "127.0.0.1:") {
			t.Errorf("port %s is published beyond loopback", p)
		}
	}
	docker, err := os.ReadFile("../../Dockerfile")
	if err != nil || !strings.Contains(string(docker), "./cmd/hopcheck") {
		t.Errorf("Dockerfile does not build ./cmd/hopcheck: %v", err)
	}
}
