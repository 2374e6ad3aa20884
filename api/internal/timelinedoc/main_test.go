package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestReferenceIsUpToDate: docs/timeline.md is what the generator writes
// from today's registry and document.
func TestReferenceIsUpToDate(t *testing.T) {
	t.Parallel()
	want, err := reference()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "timeline.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("docs/timeline.md is not what the registry and the OpenAPI document give: run go generate ./api and commit it")
	}
}

// TestRunWrites: the command writes the reference to the file named.
func TestRunWrites(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "timeline.md")
	if err := run(out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil || !bytes.Contains(b, []byte("\n## arrived\n")) || !bytes.Contains(b, []byte("\n## outcome\n")) {
		t.Errorf("wrote %d bytes, %v: want every type's section", len(b), err)
	}
}
