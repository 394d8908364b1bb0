//go:build tools

// Package tools pins the official Temporal CLI (dev server + Web UI) so that it is built from the
// Go module proxy at one exact version; nothing in the repo imports it.
package tools

import _ "github.com/temporalio/cli/cmd/temporal"
