package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestKeyCommands(t *testing.T) {
	file := filepath.Join(t.TempDir(), "keys.yaml")
	mustHop(t, "key", "add", "--name", "ops", "--role", "admin", "--keys", file, "--expires", "90d")
	mustHop(t, "key", "--name", "kiosk", "--role", "screening", "--keys", file)
	list := mustHop(t, "key", "list", "--keys", file)
	if !regexp.MustCompile(`(?m)^ops\s+admin\s+[0-9a-f]{16}\s+active\s+\d{4}-\d\d-\d\d\s+\d{4}-\d\d-\d\d$`).MatchString(list) ||
		!regexp.MustCompile(`(?m)^kiosk\s+screening\s+[0-9a-f]{16}\s+active\s+\S+\s+-$`).MatchString(list) {
		t.Errorf("key list:\n%s", list)
	}
	mustHop(t, "key", "revoke", "--name", "kiosk", "--keys", file)
	if list := mustHop(t, "key", "list", "--keys", file); !regexp.MustCompile(`(?m)^kiosk\s+screening\s+\S+\s+revoked`).MatchString(list) {
		t.Errorf("after revoke:\n%s", list)
	}
	for _, args := range [][]string{
		{"key", "add", "--name", "x", "--role", "viewer", "--keys", file, "--expires", "soon"},
		{"key", "add", "--name", "x", "--role", "viewer", "--keys", file, "--expires", "-1h"},
		{"key", "revoke", "--keys", file},
	} {
		if code, _, _ := hop(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, errOut := hop(t, "key", "revoke", "--name", "nobody", "--keys", file); code == 0 || !strings.Contains(errOut, "no key named") {
		t.Errorf("revoking an unknown key: %d %s", code, errOut)
	}
	// A keys file of the earlier form (bare SHA-256) is refused with a way out.
	old := filepath.Join(t.TempDir(), "old.yaml")
	os.WriteFile(old, []byte("- {name: a, role: admin, sha256: 2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b}\n"), 0o600)
	if code, _, errOut := hop(t, "serve", "--keys", old, "--data-dir", t.TempDir()); code == 0 || !strings.Contains(errOut, "make a new key with hopcheck key") {
		t.Errorf("serve with a bare sha256: %d %s", code, errOut)
	}
}

// TestServeReloadsKeys: keys added to or revoked in the keys file work,
// or stop working, without a restart; the changes are audit entries.
func TestServeReloadsKeys(t *testing.T) {
	file := filepath.Join(t.TempDir(), "keys.yaml")
	first := strings.TrimSpace(mustHop(t, "key", "--name", "first", "--role", "viewer", "--keys", file))
	url, stop := serving(t, nil, "--keys", file, "--data-dir", t.TempDir())
	status := func(key string) int { return call(t, "GET", url+"/api/v1/stats", key, "", nil, nil) }
	if code := status(first); code != 200 {
		t.Fatalf("first key: %d", code)
	}
	second := strings.TrimSpace(mustHop(t, "key", "--name", "second", "--role", "admin", "--keys", file))
	waitFor(t, "the added key to work", func() bool { return status(second) == 200 })
	mustHop(t, "key", "revoke", "--name", "first", "--keys", file)
	waitFor(t, "the revoked key to be refused", func() bool { return status(first) == 401 })
	// A file that no longer parses keeps the keys loaded.
	os.WriteFile(file, []byte("not: [a, keys, file"), 0o600)
	time.Sleep(500 * time.Millisecond)
	if code := status(second); code != 200 {
		t.Errorf("after a broken keys file: %d, want the keys loaded before", code)
	}
	var audit struct {
		Entries []struct{ Action, By, Target string } `json:"entries"`
	}
	call(t, "GET", url+"/api/v1/audit", second, "", nil, &audit)
	var got []string
	for _, e := range audit.Entries {
		if strings.HasPrefix(e.Action, "key_") {
			got = append(got, e.Action+" "+e.Target)
		}
	}
	if strings.Join(got, "; ") != "key_revoked first; key_added second" {
		t.Errorf("key changes in the audit log: %q", got)
	}
	if _, log := stop(); !strings.Contains(log, "API keys not reloaded") {
		t.Errorf("the log does not say the broken file was not loaded:\n%s", log)
	}
}

// TestSIGHUPReloadsKeys sends SIGHUP to the real binary.
func TestSIGHUPReloadsKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildHopcheck(t)
	file := filepath.Join(t.TempDir(), "keys.yaml")
	runBin(t, bin, "key", "--name", "ops", "--role", "admin", "--keys", file)
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--keys", file, "--data-dir", t.TempDir())
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	expect := func(what string) {
		t.Helper()
		timeout := time.After(30 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("hopcheck exited before %q", what)
				}
				if strings.Contains(l, what) {
					return
				}
			case <-timeout:
				t.Fatalf("no %q in the log", what)
			}
		}
	}
	expect("msg=serving")
	cmd.Process.Signal(syscall.SIGHUP)
	expect(`msg="API keys reloaded" why=SIGHUP keys=1`)
	cmd.Process.Signal(syscall.SIGTERM)
	expect("msg=stopped")
}

func TestServePublicURLAndProxies(t *testing.T) {
	url, _ := serving(t, nil, "--data-dir", t.TempDir(), "--public-url", "https://hopcheck.example.org", "--trusted-proxies", "127.0.0.1")
	for host, want := range map[string]int{"hopcheck.example.org": 200, "localhost": 200, "elsewhere.example.org": 403} {
		req, _ := http.NewRequest("GET", url+"/api/v1/stats", nil)
		req.Host = host
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, res.StatusCode, want)
		}
	}
	// The proxy's Origin is the public URL.
	req, _ := http.NewRequest("POST", url+"/api/v1/screen", strings.NewReader(`{"name":"Orion"}`))
	req.Host = "hopcheck.example.org"
	req.Header.Set("Origin", "https://hopcheck.example.org")
	req.Header.Set("X-Hopcheck-Client", "ui")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Errorf("the UI behind the proxy: %v %v", err, res)
	}
	for _, args := range [][]string{{"--public-url", "hopcheck.example.org"}, {"--trusted-proxies", "not-an-address"}, {"--tls-cert", "x.pem"}} {
		if code, _, errOut := hop(t, append([]string{"serve", "--data-dir", t.TempDir()}, args...)...); code != 2 {
			t.Errorf("serve %v: exit %d, want 2\n%s", args, code, errOut)
		}
	}
}

func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	url, _ := serving(t, nil, "--data-dir", t.TempDir(), "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("serving %s, want https", url)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	res, err := client.Get(url + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("https: %v %v", err, res)
	}
	res.Body.Close()
	if res.TLS == nil || res.TLS.Version < tls.VersionTLS12 || res.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("TLS %+v, headers %v", res.TLS, res.Header)
	}
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS11}}}
	if _, err := old.Get(url + "/healthz"); err == nil {
		t.Error("TLS 1.1 accepted")
	}
	res, err = http.Get("http" + strings.TrimPrefix(url, "https") + "/healthz")
	if err == nil && res.StatusCode == 200 {
		t.Error("plain HTTP answered 200 on a TLS server")
	}
}

func selfSigned(t *testing.T, dir string) (string, string, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}
