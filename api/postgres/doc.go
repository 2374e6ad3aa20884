// Package postgres is the PostgreSQL store of callsvc: the call record
// (calls and their timelines), the customer file, the staff directory and API
// tokens, behind the api.Store interface.
//
// The schema lives in versioned migrations embedded in the binary
// (migrations/00001_*.sql, applied by goose); a change to the schema is a
// new numbered file. Writes from the call engine are idempotent: a call summary
// is an upsert by id where the newer UpdatedAt wins, and a timeline event is
// inserted once by its own id, so the engine can replay its spool freely.
// Driver errors are translated here, by SQLSTATE code, into *record.Error.
//
//	st, err := postgres.Open(ctx, dsn, postgres.Options{Migrate: true})
//	if err != nil { ... }
//	defer st.Close()
//	page, err := st.ListCalls(ctx, record.CallFilter{Intent: record.IntentComplaint, Limit: 50})
package postgres
