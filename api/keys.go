package api

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hopcheck/hopcheck/graph"
)

// Key is an API key as configured: its name, its role, and the verifier
// of the key (its public id, a salt and the salted SHA-256 of its
// secret). The key itself is never stored. A key may expire, and stays
// listed once revoked.
type Key struct {
	Name     string     `yaml:"name" json:"name"`
	Role     Role       `yaml:"role" json:"role"`
	Verifier string     `yaml:"verifier" json:"verifier"` // ID.SALT.DIGEST, as NewKey makes it
	Created  *time.Time `yaml:"created,omitempty" json:"created,omitempty"`
	Expires  *time.Time `yaml:"expires,omitempty" json:"expires,omitempty"`
	Revoked  *time.Time `yaml:"revoked,omitempty" json:"revoked,omitempty"`
	// SHA256 is the form of earlier versions, refused with a message.
	SHA256 string `yaml:"sha256,omitempty" json:"sha256,omitempty"`

	id           string
	salt, digest []byte
}

// ID is the key's public id: the part of the key after "hk_" and before
// the secret, safe to show in lists and logs.
func (k Key) ID() string { return k.id }

// Env is the key's entry in HOPCHECK_API_KEYS: name:role:verifier, and
// :expiry (RFC 3339) when it expires.
func (k Key) Env() string {
	s := k.Name + ":" + string(k.Role) + ":" + k.Verifier
	if k.Expires != nil {
		s += ":" + k.Expires.UTC().Format(time.RFC3339)
	}
	return s
}

// Keys are the configured API keys. No keys means no authentication: every
// request may do everything, and the server must only listen on loopback.
// The set can be replaced while the server runs (Replace).
type Keys struct {
	mu   sync.RWMutex
	keys []Key
	byID map[string]int
}

// Open reports whether no keys are configured.
func (k *Keys) Open() bool { return k.Len() == 0 }

// Len counts the keys, revoked and expired ones included.
func (k *Keys) Len() int {
	if k == nil {
		return 0
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	return len(k.keys)
}

// The form of a key: "hk_", 16 hex digits of public id, "_", and a secret
// of 32 random bytes in unpadded base64url (43 characters).
const (
	keyPrefix    = "hk_"
	keyIDLen     = 16
	keySecretLen = 43
	// minKeyChars is how many distinct characters a secret must have: a
	// random one of 43 has about 30, a hand-made "aaaa…" one a few.
	minKeyChars = 16
)

// splitKey returns a presented key's id and secret, or why it is not a
// key that hopcheck key makes.
func splitKey(key string) (id, secret string, err error) {
	rest, ok := strings.CutPrefix(key, keyPrefix)
	if !ok || len(rest) != keyIDLen+1+keySecretLen || rest[keyIDLen] != '_' {
		return "", "", errors.New("not a hopcheck API key (keys are hk_ and 60 characters; make one with hopcheck key)")
	}
	id, secret = rest[:keyIDLen], rest[keyIDLen+1:]
	if _, err := hex.DecodeString(id); err != nil {
		return "", "", errors.New("not a hopcheck API key: its id is not hex")
	}
	if raw, err := base64.RawURLEncoding.DecodeString(secret); err != nil || len(raw) != 32 {
		return "", "", errors.New("not a hopcheck API key: its secret is not 32 bytes of base64url")
	}
	distinct := map[rune]bool{}
	for _, r := range secret {
		distinct[r] = true
	}
	if len(distinct) < minKeyChars {
		return "", "", errors.New("a weak API key: its secret repeats a few characters; make a random one with hopcheck key")
	}
	return id, secret, nil
}

func digestOf(salt []byte, secret string) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(secret))
	return h.Sum(nil)
}

// ParseKeys reads keys from YAML or JSON: a list of {name, role,
// verifier, created, expires, revoked}, either at the top level or under
// "keys".
func ParseKeys(data []byte) (*Keys, error) {
	list, err := parseKeyList(data)
	if err != nil {
		return nil, err
	}
	return newKeys(list)
}

func parseKeyList(data []byte) ([]Key, error) {
	var list []Key
	if err := yaml.Unmarshal(data, &list); err != nil {
		var doc struct {
			Keys []Key `yaml:"keys"`
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err2 := dec.Decode(&doc); err2 != nil && err2 != io.EOF {
			return nil, graph.Errorf(graph.EINVALID, "keys: %v", err2)
		}
		list = doc.Keys
	}
	return list, nil
}

// ParseKeysEnv reads keys from the HOPCHECK_API_KEYS form:
// "name:role:verifier[:expires]", separated by commas (Key.Env).
func ParseKeysEnv(s string) (*Keys, error) {
	var list []Key
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		f := strings.SplitN(part, ":", 4)
		if len(f) < 3 {
			return nil, graph.Errorf(graph.EINVALID, "HOPCHECK_API_KEYS: %q is not name:role:verifier (hopcheck key prints one)", part)
		}
		k := Key{Name: f[0], Role: Role(f[1]), Verifier: f[2]}
		if len(f) == 4 {
			t, err := time.Parse(time.RFC3339, f[3])
			if err != nil {
				return nil, graph.Errorf(graph.EINVALID, "HOPCHECK_API_KEYS: key %q: expiry %q is not an RFC 3339 time", f[0], f[3])
			}
			k.Expires = &t
		}
		list = append(list, k)
	}
	return newKeys(list)
}

// LoadKeys reads the keys file at path (if any) and the keys of env (the
// HOPCHECK_API_KEYS value, if any) together.
func LoadKeys(path, env string) (*Keys, error) {
	var all []Key
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("keys file: %w", err)
		}
		list, err := parseKeyList(data)
		if err == nil {
			_, err = newKeys(list)
		}
		if err != nil {
			return nil, fmt.Errorf("keys file %s: %w", path, err)
		}
		all = list
	}
	k, err := ParseKeysEnv(env)
	if err != nil {
		return nil, err
	}
	return newKeys(append(all, k.keys...))
}

func newKeys(list []Key) (*Keys, error) {
	names := map[string]bool{}
	byID := map[string]int{}
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
		if k.SHA256 != "" && k.Verifier == "" {
			return nil, graph.Errorf(graph.EINVALID, "key %q: a bare sha256 is no longer accepted, since it cannot tell a random key from a short hand-made one; make a new key with hopcheck key", k.Name)
		}
		id, salt, digest, ok := parseVerifier(k.Verifier)
		if !ok {
			return nil, graph.Errorf(graph.EINVALID, "key %q: verifier must be ID.SALT.DIGEST as hopcheck key writes it (never the key itself)", k.Name)
		}
		if _, dup := byID[id]; dup {
			return nil, graph.Errorf(graph.EINVALID, "key %q: id %s used twice", k.Name, id)
		}
		k.id, k.salt, k.digest = id, salt, digest
		byID[id] = i
	}
	return &Keys{keys: list, byID: byID}, nil
}

func parseVerifier(v string) (id string, salt, digest []byte, ok bool) {
	f := strings.Split(strings.TrimSpace(v), ".")
	if len(f) != 3 || len(f[0]) != keyIDLen {
		return "", nil, nil, false
	}
	if _, err := hex.DecodeString(f[0]); err != nil {
		return "", nil, nil, false
	}
	salt, err1 := hex.DecodeString(f[1])
	digest, err2 := hex.DecodeString(f[2])
	if err1 != nil || err2 != nil || len(salt) < 16 || len(digest) != sha256.Size {
		return "", nil, nil, false
	}
	return f[0], salt, digest, true
}

// Replace takes the keys of other, as a reload of the keys file does. A
// server started with keys never becomes open: an empty set is refused.
func (k *Keys) Replace(other *Keys) error {
	if other.Len() == 0 && k.Len() > 0 {
		return graph.Errorf(graph.EINVALID, "the new key set is empty, which would let every request do everything: keeping the %d keys loaded", k.Len())
	}
	keys := other.snapshot()
	byID := make(map[string]int, len(keys))
	for i, key := range keys {
		byID[key.id] = i
	}
	k.mu.Lock()
	k.keys, k.byID = keys, byID
	k.mu.Unlock()
	return nil
}

// find returns the key the presented key is, or why it is refused: not a
// key's form, unknown, expired or revoked. The secret is compared in
// constant time.
func (k *Keys) find(presented string, now time.Time) (Key, error) {
	id, secret, err := splitKey(presented)
	if err != nil {
		return Key{}, err
	}
	k.mu.RLock()
	i, ok := k.byID[id]
	var key Key
	if ok {
		key = k.keys[i]
	}
	k.mu.RUnlock()
	if !ok || subtle.ConstantTimeCompare(digestOf(key.salt, secret), key.digest) != 1 {
		return Key{}, errors.New("unknown API key")
	}
	if key.Revoked != nil && !now.Before(*key.Revoked) {
		return key, fmt.Errorf("API key %s (%s) was revoked on %s", key.id, key.Name, key.Revoked.UTC().Format(time.RFC3339))
	}
	if key.Expires != nil && !now.Before(*key.Expires) {
		return key, fmt.Errorf("API key %s (%s) expired on %s; make a new one with hopcheck key", key.id, key.Name, key.Expires.UTC().Format(time.RFC3339))
	}
	return key, nil
}

// KeyInfo is what the API tells admins about a key: never its verifier.
type KeyInfo struct {
	Name    string     `json:"name"`
	Role    Role       `json:"role"`
	ID      string     `json:"id"`
	State   string     `json:"state"` // active, expired or revoked
	Created *time.Time `json:"created,omitempty"`
	Expires *time.Time `json:"expires,omitempty"`
	Revoked *time.Time `json:"revoked,omitempty"`
}

// List returns the configured keys' names, roles, ids and states at now.
func (k *Keys) List(now time.Time) []KeyInfo {
	out := []KeyInfo{}
	for _, key := range k.snapshot() {
		state := "active"
		switch {
		case key.Revoked != nil && !now.Before(*key.Revoked):
			state = "revoked"
		case key.Expires != nil && !now.Before(*key.Expires):
			state = "expired"
		}
		out = append(out, KeyInfo{Name: key.Name, Role: key.Role, ID: key.id, State: state,
			Created: key.Created, Expires: key.Expires, Revoked: key.Revoked})
	}
	return out
}

// NewKey makes a random key for name and role, valid until expires (for
// ever when zero), and returns it with the entry a keys file keeps for
// it. The key is shown once; only its verifier is kept.
func NewKey(name string, role Role, now, expires time.Time) (string, Key, error) {
	if name == "" || strings.ContainsAny(name, ":,") {
		return "", Key{}, graph.Errorf(graph.EINVALID, "key name %q: give a name without ':' or ','", name)
	}
	if !role.valid() {
		return "", Key{}, graph.Errorf(graph.EINVALID, "unknown role %q (expected viewer, investigator, screening or admin)", role)
	}
	if !expires.IsZero() && !expires.After(now) {
		return "", Key{}, graph.Errorf(graph.EINVALID, "the key would expire at %s, which is not in the future", expires.UTC().Format(time.RFC3339))
	}
	for {
		id, raw, salt := make([]byte, keyIDLen/2), make([]byte, 32), make([]byte, 16)
		for _, b := range [][]byte{id, raw, salt} {
			if _, err := rand.Read(b); err != nil {
				return "", Key{}, err
			}
		}
		secret := base64.RawURLEncoding.EncodeToString(raw)
		key := keyPrefix + hex.EncodeToString(id) + "_" + secret
		if _, _, err := splitKey(key); err != nil {
			continue // a random secret of few distinct characters: vanishingly rare
		}
		created := now.UTC().Truncate(time.Second)
		entry := Key{Name: name, Role: role, Created: &created,
			Verifier: hex.EncodeToString(id) + "." + hex.EncodeToString(salt) + "." + hex.EncodeToString(digestOf(salt, secret))}
		if !expires.IsZero() {
			e := expires.UTC().Truncate(time.Second)
			entry.Expires = &e
		}
		ks, err := newKeys([]Key{entry})
		if err != nil {
			return "", Key{}, err
		}
		return key, ks.keys[0], nil
	}
}

// AddToFile appends key to the keys file at path, creating it, and refuses
// a name the file already has.
func AddToFile(path string, key Key) error {
	return editFile(path, func(list []Key) ([]Key, error) { return append(list, key), nil })
}

// RevokeInFile marks the key named name revoked at now; it stays listed,
// and a server watching the file refuses it from its next reload.
func RevokeInFile(path, name string, now time.Time) error {
	return editFile(path, func(list []Key) ([]Key, error) {
		for i := range list {
			if list[i].Name == name {
				t := now.UTC().Truncate(time.Second)
				list[i].Revoked = &t
				return list, nil
			}
		}
		return nil, graph.Errorf(graph.ENOTFOUND, "no key named %q", name)
	})
}

func editFile(path string, change func([]Key) ([]Key, error)) error {
	var list []Key
	if data, err := os.ReadFile(path); err == nil {
		if list, err = parseKeyList(data); err == nil {
			_, err = newKeys(list)
		}
		if err != nil {
			return fmt.Errorf("keys file %s: %w", path, err)
		}
	} else if !os.IsNotExist(err) {
		return err
	}
	list, err := change(list)
	if err == nil {
		_, err = newKeys(list)
	}
	if err != nil {
		return fmt.Errorf("keys file %s: %w", path, err)
	}
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

// Changes lists how next differs from k, by name, for the audit log: keys
// added (or replaced by a new key of the same name), removed and revoked.
func (k *Keys) Changes(next *Keys) (added, removed, revoked []string) {
	old := map[string]Key{}
	for _, key := range k.snapshot() {
		old[key.Name] = key
	}
	seen := map[string]bool{}
	for _, key := range next.snapshot() {
		seen[key.Name] = true
		o, ok := old[key.Name]
		switch {
		case !ok || o.id != key.id:
			added = append(added, key.Name)
		case key.Revoked != nil && o.Revoked == nil:
			revoked = append(revoked, key.Name)
		}
	}
	for name := range old {
		if !seen[name] {
			removed = append(removed, name)
		}
	}
	slices.Sort(removed)
	return added, removed, revoked
}

func (k *Keys) snapshot() []Key {
	if k == nil {
		return nil
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	return slices.Clone(k.keys)
}
