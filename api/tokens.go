package api

import (
	"net/http"

	"callsvc/api/record"
)

// TokenList is a page of API tokens, revoked ones included. Secrets are
// never stored and hashes never shown.
type TokenList struct {
	Tokens     []record.Token `json:"tokens"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// listTokens pages through the API tokens, oldest first.
func (h *Handler) listTokens(w http.ResponseWriter, r *http.Request) {
	writeList(w, r, h.cfg.Store.ListTokens, func(list []record.Token, next string) TokenList {
		return TokenList{Tokens: list, NextCursor: next}
	})
}

// revokeToken revokes a token: refused from then on by this instance, by
// others once their cache lets it go (TokenCacheTTL), and its screen-pop
// streams end within that time too. Revoking twice keeps the first time.
func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := pathRef(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	t, err := h.cfg.Store.RevokeToken(r.Context(), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	h.auth.forget(func(c record.Token) bool { return c.ID == t.ID })
	writeJSON(w, http.StatusOK, t)
}
