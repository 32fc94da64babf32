package api

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"syscall"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/graph"
)

// errorBody is every error response: {"error":{"code","message"}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// respond writes v as JSON with the status.
func respond(c *gin.Context, status int, v any) {
	c.JSON(status, v)
}

// respondErr writes err as a JSON error. This is the one place where
// error codes become HTTP statuses; errors without a code are internal,
// logged, and answered with a generic message.
func respondErr(c *gin.Context, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = graph.Wrap(graph.ETOOLARGE, err, "request body larger than %d bytes", tooBig.Limit)
	}
	err = slowBody(diskFull(err))
	code, msg := graph.ErrorCode(err), graph.ErrorMessage(err)
	status := statusOf(code)
	if status == http.StatusInternalServerError {
		_ = c.Error(err) // the access log shows it; the client does not
		code, msg = graph.EINTERNAL, "internal error"
	}
	c.AbortWithStatusJSON(status, errorBody{errorDetail{Code: code, Message: msg}})
}

func statusOf(code string) int {
	switch code {
	case graph.EINVALID:
		return http.StatusBadRequest
	case graph.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case graph.EFORBIDDEN:
		return http.StatusForbidden
	case graph.ENOTFOUND:
		return http.StatusNotFound
	case graph.ECONFLICT:
		return http.StatusConflict
	case graph.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case graph.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case eTooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// diskFull names a full disk, which would otherwise be an internal error
// that hides its cause: the operator can act on it, the client can retry.
func diskFull(err error) error {
	if err == nil || !errors.Is(err, syscall.ENOSPC) {
		return err
	}
	var pe *fs.PathError
	where := ""
	if errors.As(err, &pe) {
		where = " writing " + filepath.Base(pe.Path)
	}
	return graph.Wrap(graph.EUNAVAILABLE, err, "the server's disk is full (ENOSPC: no space left on device%s); free space and try again", where)
}

// slowBody names a body that did not arrive within its deadline
// (bodyDeadline), instead of a read error with addresses in it.
func slowBody(err error) error {
	if err == nil || !errors.Is(err, os.ErrDeadlineExceeded) {
		return err
	}
	return graph.Wrap(graph.EINVALID, err, "the request body did not arrive in time; send it again, faster or smaller")
}

// invalid is a shorthand for a bad request parameter.
func invalid(format string, args ...any) error {
	return graph.Errorf(graph.EINVALID, format, args...)
}
