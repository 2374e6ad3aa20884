package api

import (
	"context"

	"callsvc/api/record"
)

// Store is what the HTTP API needs from the database. api/postgres implements
// it; errors are *record.Error values (ENotFound, EConflict, EInvalid...).
type Store interface {
	Ping(ctx context.Context) error

	// Call records: written by the engine, read by supervisors and agents.
	UpsertCalls(ctx context.Context, calls []record.Call) error
	AppendEvents(ctx context.Context, events []record.Event) (inserted int, err error)
	GetCall(ctx context.Context, id string) (record.Call, []record.Event, error)
	// MissingCalls returns those of ids that name no stored call.
	MissingCalls(ctx context.Context, ids []string) ([]string, error)
	ListCalls(ctx context.Context, f record.CallFilter) (record.CallPage, error)
	// EachCall hands fn every call matching f (ignoring Limit/Cursor),
	// newest first, a page at a time: never all in memory, and never
	// holding a database connection while fn runs (fn may wait on a slow
	// client).
	EachCall(ctx context.Context, f record.CallFilter, fn func(record.Call) error) error
	Summary(ctx context.Context, q record.SummaryQuery) ([]record.SummaryRow, error)

	// The customer file (S13).
	CreateCustomer(ctx context.Context, c record.Customer) (record.Customer, error)
	UpdateCustomer(ctx context.Context, c record.Customer) (record.Customer, error)
	GetCustomer(ctx context.Context, id string) (record.Customer, error)
	FindCustomerByPhone(ctx context.Context, number string) (record.Customer, error)
	ListCustomers(ctx context.Context, q record.ListQuery) ([]record.Customer, string, error)

	// The staff directory.
	CreateStaff(ctx context.Context, s record.Staff) (record.Staff, error)
	UpdateStaff(ctx context.Context, s record.Staff) (record.Staff, error)
	GetStaff(ctx context.Context, id string) (record.Staff, error)
	ListStaff(ctx context.Context, q record.ListQuery) ([]record.Staff, string, error)

	// API tokens, stored hashed. TokenByHash finds live tokens only;
	// RevokeToken is ENotFound for an unknown id. UpdateStaff revokes the
	// tokens of a person it deactivates.
	CreateToken(ctx context.Context, t record.Token) (record.Token, error)
	TokenByHash(ctx context.Context, hash []byte) (record.Token, error)
	ListTokens(ctx context.Context, q record.ListQuery) ([]record.Token, string, error)
	RevokeToken(ctx context.Context, id string) (record.Token, error)

	// Presence (S16–S19) and messages taken for people who were away.
	PresenceStore
	MessageStore
}
