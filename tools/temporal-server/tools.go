//go:build tools

// Package tools pins the Temporal server, its SQL schema tool and the Web UI server so that the
// production-topology stack is built from the Go module proxy at exact versions. The server is the
// version the pinned Temporal CLI (tools/temporal) embeds, the UI the one it serves, so the dev
// server and the cluster behave alike. Nothing in the repo imports this package.
package tools

import (
	_ "github.com/temporalio/ui-server/v2/cmd/server"
	_ "go.temporal.io/server/cmd/server"
	_ "go.temporal.io/server/cmd/tools/sql"
)
