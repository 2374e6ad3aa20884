package prompt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
)

// BuildOptions tunes Build. The zero value renders the standard catalogue
// of Langs with the binaries found on PATH.
type BuildOptions struct {
	Langs    []Lang   // default: Langs
	Surnames []string // surnames to render under DIR/names (S3)
	Espeak   string   // espeak-ng binary; default "espeak-ng"
	Sox      string   // sox binary; default "sox"
	Workers  int      // parallel renders; default 2
	Logf     func(format string, args ...any)
}

// Report says what Build did. A key that failed in one language does not
// stop the others; Build returns an error only when nothing could be tried.
type Report struct {
	Built   []string          // "zh/hello", "names/surname_5f35"
	Missing []string          // "en/some_key": no text in the catalogue
	Failed  map[string]string // "zh/hello" -> why
}

// ErrToolMissing is returned when espeak-ng or sox cannot be found.
var ErrToolMissing = errors.New("prompt build tool not found")

// Voices maps a language to its espeak-ng voice.
var voices = map[Lang]string{ZH: "cmn", EN: "en"}

type job struct {
	name  string // "zh/hello"
	voice string
	text  string
	out   string
}

// Build renders every text of cat to DIR/<lang>/<key>.wav (8 kHz, mono,
// 16-bit PCM, what Asterisk plays without transcoding) using espeak-ng for
// the voice and sox to resample. Existing files are replaced atomically.
func Build(ctx context.Context, dir string, cat *Catalogue, opt BuildOptions) (Report, error) {
	rep := Report{Failed: map[string]string{}}
	espeak, err := lookTool(opt.Espeak, "espeak-ng")
	if err != nil {
		return rep, err
	}
	sox, err := lookTool(opt.Sox, "sox")
	if err != nil {
		return rep, err
	}
	logf := opt.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	jobs, err := catalogueJobs(dir, cat, opt.Langs, &rep)
	if err != nil {
		return rep, err
	}
	names, err := surnameJobs(dir, opt.Surnames)
	if err != nil {
		return rep, err
	}
	runJobs(ctx, append(jobs, names...), opt.Workers, func(j job) error { return render(ctx, espeak, sox, j) }, &rep, logf)
	sort.Strings(rep.Built)
	sort.Strings(rep.Missing)
	logf("prompts: %d built, %d missing, %d failed", len(rep.Built), len(rep.Missing), len(rep.Failed))
	return rep, ctx.Err()
}

// catalogueJobs lists what to render of cat in langs (default Langs), and
// makes their directories; keys without text in a language are missing.
func catalogueJobs(dir string, cat *Catalogue, langs []Lang, rep *Report) ([]job, error) {
	if len(langs) == 0 {
		langs = Langs
	}
	var jobs []job
	for _, l := range langs {
		voice, ok := voices[l]
		if !ok {
			return nil, fmt.Errorf("build prompts: no voice for language %q", l)
		}
		if err := os.MkdirAll(filepath.Join(dir, string(l)), 0o755); err != nil {
			return nil, fmt.Errorf("build prompts: make dir: %w", err)
		}
		for _, k := range cat.Keys() {
			text, ok := cat.Text(l, k)
			if !ok {
				rep.Missing = append(rep.Missing, string(l)+"/"+string(k))
				continue
			}
			jobs = append(jobs, job{string(l) + "/" + string(k), voice, text, filepath.Join(dir, string(l), string(k)+".wav")})
		}
	}
	return jobs, nil
}

// surnameJobs lists the surnames to render under DIR/names (S3), in
// Mandarin, and makes that directory.
func surnameJobs(dir string, surnames []string) ([]job, error) {
	if len(surnames) == 0 {
		return nil, nil
	}
	if err := os.MkdirAll(filepath.Join(dir, "names"), 0o755); err != nil {
		return nil, fmt.Errorf("build prompts: make dir: %w", err)
	}
	var jobs []job
	for _, s := range surnames {
		if k, ok := SurnameKey(s); ok {
			jobs = append(jobs, job{"names/" + string(k), voices[ZH], s, filepath.Join(dir, "names", string(k)+".wav")})
		}
	}
	return jobs, nil
}

// runJobs renders jobs on workers (default 2) in parallel, noting each in
// rep; once ctx ends the rest fail with its error.
func runJobs(ctx context.Context, jobs []job, workers int, render func(job) error, rep *Report, logf func(string, ...any)) {
	if workers <= 0 {
		workers = 2
	}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		next = make(chan job)
	)
	for range workers {
		wg.Go(func() {
			for j := range next {
				err := render(j)
				mu.Lock()
				if err != nil {
					rep.Failed[j.name] = err.Error()
					logf("prompt %s: %v", j.name, err)
				} else {
					rep.Built = append(rep.Built, j.name)
				}
				mu.Unlock()
			}
		})
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			mu.Lock()
			rep.Failed[j.name] = ctx.Err().Error()
			mu.Unlock()
			continue
		}
		next <- j
	}
	close(next)
	wg.Wait()
}

func lookTool(given, name string) (string, error) {
	if given == "" {
		given = name
	}
	p, err := exec.LookPath(given)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, ErrToolMissing)
	}
	return p, nil
}

// render speaks j.text into a temporary file at the voice's own rate, then
// has sox convert it to 8 kHz mono 16-bit and renames it into place.
func render(ctx context.Context, espeak, sox string, j job) error {
	raw := j.out + ".espeak.tmp.wav"
	tmp := j.out + ".tmp.wav"
	defer os.Remove(raw)
	defer os.Remove(tmp)
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, espeak, "-v", j.voice, "-w", raw, "--", j.text)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("espeak-ng: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	stderr.Reset()
	cmd = exec.CommandContext(ctx, sox, raw, "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", tmp)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("sox: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	if err := os.Rename(tmp, j.out); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	return nil
}
