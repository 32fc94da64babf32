package api

import (
	"math"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/hopcheck/hopcheck/graph"
)

// eTooMany is the code of a request refused by a rate or concurrency
// limit: 429 with Retry-After.
const eTooMany = "too_many_requests"

// RateLimits bound how fast one client may call the API. Zero fields take
// DefaultRateLimits; a negative rate turns that limit off.
type RateLimits struct {
	// PerAddress bounds requests per second from one client address (an
	// IPv6 client by its /64), with bursts of AddressBurst.
	PerAddress   float64
	AddressBurst int
	// PerKey bounds requests per second made with one API key.
	PerKey   float64
	KeyBurst int
	// AuthFailures bounds failed authentications per second from one
	// address, with bursts of FailureBurst; past it the address's failures
	// are answered 429 until the bucket refills (valid keys still pass).
	AuthFailures float64
	FailureBurst int
}

// DefaultRateLimits: 1000/s per address (burst 2000), 200/s per key
// (burst 400), 10 failed authentications a minute per address (burst 20).
func DefaultRateLimits() RateLimits {
	return RateLimits{PerAddress: 1000, AddressBurst: 2000, PerKey: 200, KeyBurst: 400, AuthFailures: 10.0 / 60, FailureBurst: 20}
}

func (l RateLimits) withDefaults() RateLimits {
	d := DefaultRateLimits()
	if l.PerAddress == 0 {
		l.PerAddress, l.AddressBurst = d.PerAddress, max(l.AddressBurst, d.AddressBurst)
	}
	if l.AddressBurst <= 0 {
		l.AddressBurst = max(1, int(2*l.PerAddress))
	}
	if l.PerKey == 0 {
		l.PerKey, l.KeyBurst = d.PerKey, max(l.KeyBurst, d.KeyBurst)
	}
	if l.KeyBurst <= 0 {
		l.KeyBurst = max(1, int(2*l.PerKey))
	}
	if l.AuthFailures == 0 {
		l.AuthFailures, l.FailureBurst = d.AuthFailures, max(l.FailureBurst, d.FailureBurst)
	}
	if l.FailureBurst <= 0 {
		l.FailureBurst = d.FailureBurst
	}
	return l
}

// limiters are token buckets by client (address or key name). Buckets
// idle for a while are dropped, so that the map stays bounded by the
// clients of the last minutes, and by maxLimiters in any case.
type limiters struct {
	every rate.Limit
	burst int
	off   bool

	mu    sync.Mutex
	m     map[string]*limiter
	swept time.Time
}

type limiter struct {
	lim  *rate.Limiter
	seen time.Time
}

const (
	maxLimiters = 100_000
	limiterIdle = 10 * time.Minute
)

func newLimiters(perSecond float64, burst int) *limiters {
	return &limiters{every: rate.Limit(perSecond), burst: burst, off: perSecond < 0, m: map[string]*limiter{}}
}

func (ls *limiters) get(who string, now time.Time) *rate.Limiter {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if now.Sub(ls.swept) > time.Minute || len(ls.m) >= maxLimiters {
		for k, l := range ls.m {
			if now.Sub(l.seen) > limiterIdle {
				delete(ls.m, k)
			}
		}
		if len(ls.m) >= maxLimiters {
			clear(ls.m)
		}
		ls.swept = now
	}
	l, ok := ls.m[who]
	if !ok {
		l = &limiter{lim: rate.NewLimiter(ls.every, ls.burst)}
		ls.m[who] = l
	}
	l.seen = now
	return l.lim
}

// take spends a token of who's bucket. When there is none it returns how
// long until there is.
func (ls *limiters) take(who string, now time.Time) (time.Duration, bool) {
	if ls.off {
		return 0, true
	}
	r := ls.get(who, now).ReserveN(now, 1)
	if !r.OK() {
		return time.Minute, false
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}

// rateLimits are the API's buckets.
type rateLimits struct {
	address, key, failures *limiters
}

func newRateLimits(l RateLimits) *rateLimits {
	l = l.withDefaults()
	return &rateLimits{
		address:  newLimiters(l.PerAddress, l.AddressBurst),
		key:      newLimiters(l.PerKey, l.KeyBurst),
		failures: newLimiters(l.AuthFailures, l.FailureBurst),
	}
}

// tooMany answers 429 with Retry-After in whole seconds (at least 1).
func tooMany(c *gin.Context, wait time.Duration, format string, args ...any) {
	c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	refuse(c, graph.Errorf(eTooMany, format, args...))
}

// limitAddress refuses requests past the per-address rate.
// Buckets run on the wall clock, never on Deps.Now (a test's fixed clock).
func limitAddress(rl *rateLimits) gin.HandlerFunc {
	return func(c *gin.Context) {
		if wait, ok := rl.address.take(clientOf(c), time.Now()); !ok {
			tooMany(c, wait, "too many requests from this address; try again in %s", wait.Round(time.Second))
		}
	}
}

// clientOf is the bucket of the request's client: its address, or for
// IPv6 its /64 (one host commonly holds a whole /64).
func clientOf(c *gin.Context) string {
	ip := net.ParseIP(c.ClientIP())
	if ip == nil {
		return c.ClientIP()
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String()
	}
	return ip.String()
}
