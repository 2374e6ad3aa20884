package api

import (
	"context"
	"net/http"

	"callsvc/api/record"
)

// writeList answers one page of a directory list (customers, staff,
// presence): it reads limit and cursor, asks the store through list and
// writes page(items, next cursor), with an empty list rather than null.
func writeList[T, P any](w http.ResponseWriter, r *http.Request,
	list func(context.Context, record.ListQuery) ([]T, string, error), page func([]T, string) P) {
	lq, err := listQuery(r.URL.Query())
	if err != nil {
		writeError(w, r, err)
		return
	}
	items, next, err := list(r.Context(), lq)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if items == nil {
		items = []T{}
	}
	writeJSON(w, http.StatusOK, page(items, next))
}
