package api

import (
	"context"

	"callsvc/api/record"
)

// ctxKey types the values this package keeps in a request's context, so no
// other package's key can collide with them.
type ctxKey int

const (
	requestIDKey ctxKey = iota
	loggerKey
	tokenKey
	infoKey
)

// RequestID is the request id that the RequestID middleware put in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// TokenFrom is the authenticated token of the request, if any.
func TokenFrom(ctx context.Context) (record.Token, bool) {
	t, ok := ctx.Value(tokenKey).(record.Token)
	return t, ok
}

func withToken(ctx context.Context, t record.Token) context.Context {
	return context.WithValue(ctx, tokenKey, t)
}
