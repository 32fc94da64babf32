package api

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"gopkg.in/yaml.v3"

	"github.com/hopcheck/hopcheck/graph"
)

// Role is what an API key may do.
type Role string

// The roles: viewer reads; investigator reads, uploads and reviews;
// screening only screens; admin does everything.
const (
	Viewer       Role = "viewer"
	Investigator Role = "investigator"
	Screening    Role = "screening"
	Admin        Role = "admin"
)

// Roles lists every role in a fixed order.
var Roles = []Role{Viewer, Investigator, Screening, Admin}

func (r Role) valid() bool { return slices.Contains(Roles, r) }

// Key is an API key as configured: its name, its role and the SHA-256 of
// the key. The key itself is never stored.
type Key struct {
	Name   string `yaml:"name" json:"name"`
	Role   Role   `yaml:"role" json:"role"`
	SHA256 string `yaml:"sha256" json:"sha256"` // hex

	hash []byte
}

// Keys are the configured API keys. No keys means no authentication: every
// request may do everything, and the server must only listen on loopback.
type Keys struct {
	keys []Key
}

// Open reports whether no keys are configured.
func (k *Keys) Open() bool { return k == nil || len(k.keys) == 0 }

// Len counts the keys.
func (k *Keys) Len() int {
	if k == nil {
		return 0
	}
	return len(k.keys)
}

// HashKey returns the hex SHA-256 of a key, as a keys file holds it.
func HashKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// ParseKeys reads keys from YAML or JSON: a list of {name, role, sha256},
// either at the top level or under "keys".
func ParseKeys(data []byte) (*Keys, error) {
	var list []Key
	if err := yaml.Unmarshal(data, &list); err != nil {
		var doc struct {
			Keys []Key `yaml:"keys"`
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err2 := dec.Decode(&doc); err2 != nil {
			return nil, graph.Errorf(graph.EINVALID, "keys: %v", err2)
		}
		list = doc.Keys
	}
	return newKeys(list)
}

// ParseKeysEnv reads keys from the HOPCHECK_API_KEYS form:
// "name:role:sha256hex", separated by commas.
func ParseKeysEnv(s string) (*Keys, error) {
	var list []Key
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		f := strings.Split(part, ":")
		if len(f) != 3 {
			return nil, graph.Errorf(graph.EINVALID, "HOPCHECK_API_KEYS: %q is not name:role:sha256", part)
		}
		list = append(list, Key{Name: f[0], Role: Role(f[1]), SHA256: f[2]})
	}
	return newKeys(list)
}

// LoadKeys reads the keys file at path (if any) and the keys of env (the
// HOPCHECK_API_KEYS value, if any) together.
func LoadKeys(path, env string) (*Keys, error) {
	all := &Keys{}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("keys file: %w", err)
		}
		k, err := ParseKeys(data)
		if err != nil {
			return nil, fmt.Errorf("keys file %s: %w", path, err)
		}
		all.keys = append(all.keys, k.keys...)
	}
	k, err := ParseKeysEnv(env)
	if err != nil {
		return nil, err
	}
	return newKeys(append(all.keys, k.keys...))
}

func newKeys(list []Key) (*Keys, error) {
	names := map[string]bool{}
	for i := range list {
		k := &list[i]
		if k.Name == "" {
			return nil, graph.Errorf(graph.EINVALID, "key %d: no name", i+1)
		}
		if names[k.Name] {
			return nil, graph.Errorf(graph.EINVALID, "key %q: name used twice", k.Name)
		}
		names[k.Name] = true
		if !k.Role.valid() {
			return nil, graph.Errorf(graph.EINVALID, "key %q: unknown role %q (expected viewer, investigator, screening or admin)", k.Name, k.Role)
		}
		h, err := hex.DecodeString(strings.TrimSpace(k.SHA256))
		if err != nil || len(h) != sha256.Size {
			return nil, graph.Errorf(graph.EINVALID, "key %q: sha256 must be 64 hex digits, the SHA-256 of the key (never the key itself)", k.Name)
		}
		k.hash = h
	}
	return &Keys{keys: list}, nil
}

// find returns the key whose hash matches the presented key. Every
// configured hash is compared, in constant time, whichever matches.
func (k *Keys) find(presented string) (Key, bool) {
	h := sha256.Sum256([]byte(presented))
	var found Key
	ok := false
	for _, key := range k.keys {
		if subtle.ConstantTimeCompare(h[:], key.hash) == 1 {
			found, ok = key, true
		}
	}
	return found, ok
}

// Caller is who sent a request.
type Caller struct {
	Name string
	Role Role
}

// anonymous is the caller when no keys are configured.
var anonymous = Caller{Name: "anonymous", Role: Admin}

const callerKey = "hopcheck.caller"

// callerOf returns the authenticated caller of a request.
func callerOf(c *gin.Context) Caller {
	if v, ok := c.Get(callerKey); ok {
		return v.(Caller)
	}
	return anonymous
}

// allow lets through requests whose key has one of the roles. Without a
// key it answers 401, with a key of another role 403. With no keys
// configured everything is allowed.
func allow(keys *Keys, roles ...Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		if keys.Open() {
			c.Set(callerKey, anonymous)
			return
		}
		token, ok := bearer(c.GetHeader("Authorization"))
		if !ok {
			c.Header("WWW-Authenticate", `Bearer realm="hopcheck"`)
			respondErr(c, graph.Errorf(graph.EUNAUTHORIZED, "an API key is required: Authorization: Bearer KEY"))
			return
		}
		key, ok := keys.find(token)
		if !ok {
			c.Header("WWW-Authenticate", `Bearer realm="hopcheck", error="invalid_token"`)
			respondErr(c, graph.Errorf(graph.EUNAUTHORIZED, "unknown API key"))
			return
		}
		c.Set(callerKey, Caller{Name: key.Name, Role: key.Role})
		if !slices.Contains(roles, key.Role) {
			respondErr(c, graph.Errorf(graph.EFORBIDDEN, "the %s role may not do this", key.Role))
		}
	}
}

// bearer returns the token of an "Authorization: Bearer TOKEN" header; the
// scheme is case-insensitive.
func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	token = strings.TrimSpace(token)
	return token, ok && strings.EqualFold(scheme, "Bearer") && token != ""
}

// KeyInfo is what the API tells admins about a key: never its hash.
type KeyInfo struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
}

// List returns the configured keys' names and roles.
func (k *Keys) List() []KeyInfo {
	out := []KeyInfo{}
	if k != nil {
		for _, key := range k.keys {
			out = append(out, KeyInfo{Name: key.Name, Role: key.Role})
		}
	}
	return out
}

// NewKey makes a random key for name and role and returns it with the
// entry a keys file keeps for it. The key is shown once; only its hash is kept.
func NewKey(name string, role Role) (string, Key, error) {
	if name == "" || strings.ContainsAny(name, ":,") {
		return "", Key{}, graph.Errorf(graph.EINVALID, "key name %q: give a name without ':' or ','", name)
	}
	if !role.valid() {
		return "", Key{}, graph.Errorf(graph.EINVALID, "unknown role %q (expected viewer, investigator, screening or admin)", role)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", Key{}, err
	}
	key := "hk_" + base64.RawURLEncoding.EncodeToString(raw)
	return key, Key{Name: name, Role: role, SHA256: HashKey(key)}, nil
}

// AddToFile appends key to the keys file at path, creating it, and refuses
// a name the file already has.
func AddToFile(path string, key Key) error {
	var list []Key
	if data, err := os.ReadFile(path); err == nil {
		k, err := ParseKeys(data)
		if err != nil {
			return fmt.Errorf("keys file %s: %w", path, err)
		}
		list = k.keys
	} else if !os.IsNotExist(err) {
		return err
	}
	if _, err := newKeys(append(list, key)); err != nil {
		return fmt.Errorf("keys file %s: %w", path, err)
	}
	list = append(list, key)
	data, err := yaml.Marshal(list)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// handleKeys lists the keys' names and roles for admins.
func handleKeys(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		respond(c, http.StatusOK, gin.H{"keys": deps.Keys.List()})
	}
}
