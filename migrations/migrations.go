// Package migrations holds Hromada's numbered SQL migrations (goose format, each
// with Up and Down), embedded into the binary. internal/store applies them; this
// package only carries the files and must not grow code that talks to a database.
package migrations

import "embed"

// FS holds the migration files, named NNNNN_description.sql.
//
//go:embed *.sql
var FS embed.FS
