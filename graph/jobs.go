package graph

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"time"
)

// JobState is where an upload job stands.
type JobState string

// Job states. Validating, writing and running are under way; the others are final.
const (
	JobValidating  JobState = "validating"  // reading and checking the files; nothing written yet
	JobWriting     JobState = "writing"     // the upload is valid and being written
	JobRunning     JobState = "running"     // a job other than an upload (cross-referencing) is under way
	JobDone        JobState = "done"        // written, and the flags re-evaluated
	JobRejected    JobState = "rejected"    // the files have errors; nothing was written
	JobFailed      JobState = "failed"      // the store failed; see Error. Uploading again resumes it
	JobInterrupted JobState = "interrupted" // the server stopped first; uploading again resumes it
)

// Final reports whether a job in state s has ended.
func (s JobState) Final() bool {
	return s == JobDone || s == JobRejected || s == JobFailed || s == JobInterrupted
}

// JobProgress counts rows done in the job's current phase.
type JobProgress struct {
	Phase string `json:"phase,omitempty"`
	Done  int    `json:"done"`
	Total int    `json:"total"` // 0 when not known yet
}

// Job is an upload running in the background, kept in the store so that
// any server sharing the store can answer for it.
type Job struct {
	ID       string      `json:"id"`
	Upload   string      `json:"upload,omitempty"` // the upload's id, derived from its files
	State    JobState    `json:"state"`
	Files    []string    `json:"files"`
	By       string      `json:"by"` // the API key's name
	Created  time.Time   `json:"created"`
	Updated  time.Time   `json:"updated"`
	Progress JobProgress `json:"progress"`
	Error    string      `json:"error,omitempty"` // why a failed or interrupted job stopped
	// Report is the importer's report and Flags what re-evaluating the
	// flags did, both as JSON: the domain does not know their shapes.
	Report json.RawMessage `json:"report,omitempty"`
	Flags  json.RawMessage `json:"flags,omitempty"`
}

// AuditEntry records who did what: an upload, a flag review.
type AuditEntry struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`     // the API key's name
	Action string    `json:"action"` // upload, review, …
	Target string    `json:"target"` // job or transaction id
	Detail string    `json:"detail,omitempty"`
}

// JobStore keeps upload jobs and the audit log. Every Store is one; the
// interface stands apart for code that needs only this part (the API's
// upload jobs).
type JobStore interface {
	// SaveJob creates or replaces the job with the same id. A job without
	// an id, or whose Report or Flags is not valid JSON, is EINVALID.
	// Report and Flags come back equal as JSON, not necessarily byte for
	// byte (a store may compact them).
	SaveJob(ctx context.Context, j Job) error
	// Job returns the job with the id, or ErrNotFound.
	Job(ctx context.Context, id string) (Job, error)
	// Jobs returns up to limit jobs (all when limit is 0), newest Created
	// first, jobs created at the same instant by id descending.
	Jobs(ctx context.Context, limit int) ([]Job, error)
	// AppendAudit adds an entry to the audit log.
	AppendAudit(ctx context.Context, e AuditEntry) error
	// Audit returns up to limit entries (all when limit is 0), the last
	// appended first, whatever their At.
	Audit(ctx context.Context, limit int) ([]AuditEntry, error)
	// SaveMapping keeps a column mapping under its name, replacing the
	// one of the same name; one that fails CheckMapping is EINVALID.
	SaveMapping(ctx context.Context, m SavedMapping) error
	// Mappings returns every saved mapping, sorted by name.
	Mappings(ctx context.Context) ([]SavedMapping, error)
}

// CheckJob returns an EINVALID error when a store cannot keep j: it has no
// id, or its Report or Flags is not valid JSON.
func CheckJob(j Job) error {
	if j.ID == "" {
		return Errorf(EINVALID, "upload job without id")
	}
	if len(j.Report) > 0 && !json.Valid(j.Report) {
		return Errorf(EINVALID, "upload job %q: the report is not valid JSON", j.ID)
	}
	if len(j.Flags) > 0 && !json.Valid(j.Flags) {
		return Errorf(EINVALID, "upload job %q: the flags summary is not valid JSON", j.ID)
	}
	return nil
}

// NewJobID returns a fresh, random job id: "job-" and 16 hex digits.
func NewJobID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "job-" + hex.EncodeToString(b)
}
