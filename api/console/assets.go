package console

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// The console's files are in the binary: nothing is built or fetched at
// run time, no CDN.
//
//go:embed assets templates
var files embed.FS

// assetVersion is a short hash of each asset's content: pages link
// /console/assets/NAME?v=HASH, so an asset is cached for good and a new
// build's is fetched anew.
var assetVersion = func() map[string]string {
	out := map[string]string{}
	_ = fs.WalkDir(files, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[strings.TrimPrefix(p, "assets/")] = hex.EncodeToString(sum[:4])
		return nil
	})
	return out
}()

// assetURL is the versioned address of an asset.
func assetURL(name string) string {
	return "/console/assets/" + name + "?v=" + assetVersion[name]
}

func serveAsset(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/console/assets/")
	if _, ok := assetVersion[name]; !ok {
		http.NotFound(w, r)
		return
	}
	b, err := files.ReadFile("assets/" + name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "text/plain; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	if r.URL.Query().Get("v") == assetVersion[name] {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	_, _ = w.Write(b)
}

// parseTemplates parses the pages once per language: the wording function
// t is bound to the language.
func parseTemplates(loc *time.Location) (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for _, lang := range []string{langZH, langEN} {
		t, err := template.New("").Funcs(funcs(lang, loc)).ParseFS(files, "templates/*.html")
		if err != nil {
			return nil, err
		}
		out[lang] = t
	}
	return out, nil
}
