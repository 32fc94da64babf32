package graph

import (
	"errors"
	"fmt"
)

// Error codes, stable across releases: the API maps them to HTTP statuses in
// one place and clients may switch on them.
const (
	EINVALID      = "invalid"      // the input is wrong; the message says where
	ENOTFOUND     = "not_found"    // no such entity, transaction, flag or upload
	ECONFLICT     = "conflict"     // the request clashes with the current state
	EUNAVAILABLE  = "unavailable"  // the store cannot be reached
	EINTERNAL     = "internal"     // a bug or an unexpected failure
	EFORBIDDEN    = "forbidden"    // the caller's role does not allow this
	ETOOLARGE     = "too_large"    // an input exceeds a configured limit
	EUNAUTHORIZED = "unauthorized" // no or unknown API key
)

// Error is a domain error: a stable code and a message fit for the user.
type Error struct {
	Code    string
	Message string
	Err     error // the underlying cause, if any; never shown to API users
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Is lets errors.Is match any *Error with the same code, so tests and callers
// can write errors.Is(err, graph.ErrNotFound).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Code == e.Code
}

// Sentinels for errors.Is; they match any Error with the same code.
var (
	ErrInvalid     = &Error{Code: EINVALID}
	ErrNotFound    = &Error{Code: ENOTFOUND}
	ErrConflict    = &Error{Code: ECONFLICT}
	ErrUnavailable = &Error{Code: EUNAVAILABLE}
)

// Errorf returns an Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an Error with the given code and message that wraps err.
func Wrap(code string, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// ErrorCode returns the code of err, EINTERNAL for errors that carry none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; errors without a code
// get a generic message so that internals do not leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
