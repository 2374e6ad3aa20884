package prompt

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func needTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"espeak-ng", "sox"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (apt-get install espeak-ng sox): prompt build not tested", tool)
		}
	}
}

// The real thing: every key of the standard catalogue in both languages is
// rendered and comes out as an Asterisk-ready, non-trivial sound file.
func TestBuildRendersAsteriskReadyFiles(t *testing.T) {
	needTools(t)
	dir := t.TempDir()
	cat := Standard("示例貿易公司")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := Build(ctx, dir, cat, BuildOptions{Surnames: []string{"張", "歐陽"}, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failed) > 0 || len(rep.Missing) > 0 {
		t.Fatalf("failed %v, missing %v", rep.Failed, rep.Missing)
	}
	want := len(cat.Keys())*len(Langs) + 2
	if len(rep.Built) != want {
		t.Fatalf("built %d files, want %d", len(rep.Built), want)
	}
	for _, name := range rep.Built {
		f, err := os.Open(filepath.Join(dir, name+".wav"))
		if err != nil {
			t.Fatal(err)
		}
		info, err := ReadWAVInfo(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !info.AsteriskReady() {
			t.Errorf("%s: %+v is not 8 kHz mono 16-bit PCM", name, info)
		}
		if d := info.Duration(); d < 200*time.Millisecond || d > 30*time.Second {
			t.Errorf("%s: duration %v is not a spoken phrase", name, d)
		}
	}
	// No temporary files left behind.
	left, _ := filepath.Glob(filepath.Join(dir, "*", "*.tmp.wav"))
	if len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

func TestBuildReportsMissingText(t *testing.T) {
	needTools(t)
	cat := &Catalogue{text: map[Key]map[Lang]string{
		KeyGoodbye: {ZH: "再見", EN: "Goodbye."},
		KeyHello:   {ZH: "您好"},
	}}
	rep, err := Build(context.Background(), t.TempDir(), cat, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Missing) != 1 || rep.Missing[0] != "en/hello" || len(rep.Built) != 3 {
		t.Fatalf("report = %+v", rep)
	}
}

func TestBuildReportsFailedRender(t *testing.T) {
	needTools(t)
	// A sox that always fails: a real program, just the wrong one.
	falseBin, err := exec.LookPath("false")
	if err != nil {
		t.Skip("no false(1)")
	}
	cat := &Catalogue{text: map[Key]map[Lang]string{KeyGoodbye: {ZH: "再見", EN: "Goodbye."}}}
	rep, err := Build(context.Background(), t.TempDir(), cat, BuildOptions{Sox: falseBin})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failed) != 2 || len(rep.Built) != 0 {
		t.Fatalf("report = %+v", rep)
	}
}

func TestBuildWithoutToolsIsAClearError(t *testing.T) {
	_, err := Build(context.Background(), t.TempDir(), Standard(""), BuildOptions{Espeak: "no-such-espeak-binary"})
	if !errors.Is(err, ErrToolMissing) {
		t.Fatalf("err = %v, want ErrToolMissing", err)
	}
}
