package pgtest

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

func TestSeedCallsIsRepeatableAndShaped(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	const n = 5000
	var firstIDs [2][]string
	for run := range 2 {
		pool, err := pgxpool.New(ctx, NewDB(t))
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		s, err := SeedCalls(ctx, pool, n, 42)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.StaffIDs) != 50 || len(s.CallerNumbers) != 100_000 {
			t.Fatalf("seeded %d staff, %d numbers", len(s.StaffIDs), len(s.CallerNumbers))
		}
		var count, staff, outside, intents, outcomes, abandonedAnswered, noted int
		err = pool.QueryRow(ctx, `SELECT count(*),
			(SELECT count(*) FROM staff),
			count(*) FILTER (WHERE arrived_at < $1 OR arrived_at >= $2),
			count(DISTINCT intent), count(DISTINCT outcome),
			count(*) FILTER (WHERE outcome = 'abandoned' AND answered_at IS NOT NULL),
			count(*) FILTER (WHERE notes <> '')
			FROM calls`, s.From, s.To).Scan(&count, &staff, &outside, &intents, &outcomes, &abandonedAnswered, &noted)
		if err != nil {
			t.Fatal(err)
		}
		if count != n || staff != 50 || outside != 0 || intents != 7 || outcomes != 8 || abandonedAnswered != 0 {
			t.Errorf("calls %d staff %d outside %d intents %d outcomes %d abandoned-but-answered %d",
				count, staff, outside, intents, outcomes, abandonedAnswered)
		}
		if noted < n/5 || noted > n*3/10 { // a quarter, give or take
			t.Errorf("%d of %d calls have notes, want about a quarter", noted, n)
		}
		rows, err := pool.Query(ctx, `SELECT id FROM calls ORDER BY id LIMIT 20`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			rows.Scan(&id)
			firstIDs[run] = append(firstIDs[run], id)
		}
		if rows.Err() != nil {
			t.Fatal(rows.Err())
		}
	}
	if len(firstIDs[0]) != 20 || len(firstIDs[1]) != 20 {
		t.Fatalf("ids: %d and %d", len(firstIDs[0]), len(firstIDs[1]))
	}
	for i := range firstIDs[0] {
		if firstIDs[0][i] != firstIDs[1][i] {
			t.Fatalf("same seed, different rows: %v vs %v", firstIDs[0], firstIDs[1])
		}
	}
}
