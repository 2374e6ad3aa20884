package postgres

import (
	"context"
	"fmt"

	"callsvc/api/record"
)

// Summary computes the S21 service-quality figures over calls that arrived
// in [q.From, q.To), one row per group, ordered by key.
//
// Groups (q.By): "hour" (keyed 2026-11-27T09, for calls per hour), "day", "week" (ISO, starting Monday) and "month" cut time in
// q.Location (UTC when nil), keyed 2026-11-27 / 2026-11-23 (the Monday) /
// 2026-11; "staff" keys by each staff id in a call's staff_ids (a call that
// several people took part in counts once for each of them; calls no person
// touched are left out); "intent" keys by intent ("" when none was found).
//
// What each figure counts, per group:
//   - Offered: calls that arrived.
//   - Answered: calls with answered_at set (answered by the machine or a person).
//   - AnsweredWithin3Rings: answered calls with rings_to_answer <= 3 (S1);
//     AnsweredWithin3RingsPct is that count over Offered, in percent (0..100),
//     so a call that was never answered counts against the promise.
//   - AvgAnswerMS, P90AnswerMS: mean and 90th percentile (continuous) of
//     answer_ms over answered calls; 0 when none was answered.
//   - Abandoned: calls never answered that have ended (ended_at set); a call
//     still ringing is neither answered nor abandoned. AbandonRate is
//     Abandoned over Offered, as a fraction (0..1).
//   - Transferred: calls with transferred set.
//   - MessagesTaken: calls with message_taken set.
//   - AvgTalkSeconds: mean talk_seconds over answered calls; 0 when none.
func (s *Store) Summary(ctx context.Context, q record.SummaryQuery) ([]record.SummaryRow, error) {
	if q.From.IsZero() || q.To.IsZero() || !q.From.Before(q.To) {
		return nil, fmt.Errorf("summary: %w", invalid("from and to: required, from before to"))
	}
	tz := "UTC"
	if q.Location != nil {
		tz = q.Location.String()
		if tz == "Local" {
			return nil, fmt.Errorf("summary: %w", invalid("time zone: give a named zone, not Local"))
		}
	}
	// key groups the rows; label formats a group's key once, after grouping
	// (formatting each of a year's calls dominated the report's time).
	var source, key, label string
	switch q.By {
	case record.ByHour:
		source, key, label = "calls c", `date_trunc('hour', c.arrived_at AT TIME ZONE $3)`, `to_char(g.key, 'YYYY-MM-DD"T"HH24')`
	case record.ByDay:
		source, key, label = "calls c", `date_trunc('day', c.arrived_at AT TIME ZONE $3)`, `to_char(g.key, 'YYYY-MM-DD')`
	case record.ByWeek:
		source, key, label = "calls c", `date_trunc('week', c.arrived_at AT TIME ZONE $3)`, `to_char(g.key, 'YYYY-MM-DD')`
	case record.ByMonth:
		source, key, label = "calls c", `date_trunc('month', c.arrived_at AT TIME ZONE $3)`, `to_char(g.key, 'YYYY-MM')`
	case record.ByStaff:
		source, key, label = "calls c CROSS JOIN LATERAL unnest(c.staff_ids) AS s(staff_id)", "s.staff_id", "g.key"
	case record.ByIntent:
		source, key, label = "calls c", "c.intent", "g.key"
	default:
		return nil, fmt.Errorf("summary: %w", invalid("by: must be hour, day, week, month, staff or intent"))
	}
	// The zone is also checked once in WHERE, so an unknown one is an error
	// (22023 -> EInvalid) even when no row is in range or it goes unused.
	sql := `
SELECT ` + label + `, g.offered, g.answered, g.within3, g.avg_answer, g.p90_answer,
	g.abandoned, g.transferred, g.messages, g.avg_talk
FROM (
	SELECT ` + key + ` AS key,
		count(*) AS offered,
		count(*) FILTER (WHERE c.answered_at IS NOT NULL) AS answered,
		count(*) FILTER (WHERE c.answered_at IS NOT NULL AND c.rings_to_answer <= 3) AS within3,
		coalesce(avg(c.answer_ms) FILTER (WHERE c.answered_at IS NOT NULL), 0)::float8 AS avg_answer,
		coalesce(percentile_cont(0.9) WITHIN GROUP (ORDER BY c.answer_ms)
			FILTER (WHERE c.answered_at IS NOT NULL), 0)::float8 AS p90_answer,
		count(*) FILTER (WHERE c.answered_at IS NULL AND c.ended_at IS NOT NULL) AS abandoned,
		count(*) FILTER (WHERE c.transferred) AS transferred,
		count(*) FILTER (WHERE c.message_taken) AS messages,
		coalesce(avg(c.talk_seconds) FILTER (WHERE c.answered_at IS NOT NULL), 0)::float8 AS avg_talk
	FROM ` + source + `
	WHERE c.arrived_at >= $1 AND c.arrived_at < $2 AND (now() AT TIME ZONE $3::text) IS NOT NULL
	GROUP BY 1
) g
ORDER BY g.key`
	rows, err := s.pool.Query(ctx, sql, q.From, q.To, tz)
	if err != nil {
		return nil, fmt.Errorf("summary: %w", translate(err))
	}
	defer rows.Close()
	out := []record.SummaryRow{}
	for rows.Next() {
		var r record.SummaryRow
		if err := rows.Scan(&r.Key, &r.Offered, &r.Answered, &r.AnsweredWithin3Rings, &r.AvgAnswerMS,
			&r.P90AnswerMS, &r.Abandoned, &r.Transferred, &r.MessagesTaken, &r.AvgTalkSeconds); err != nil {
			return nil, fmt.Errorf("summary: scan: %w", translate(err))
		}
		if r.Offered > 0 {
			r.AnsweredWithin3RingsPct = 100 * float64(r.AnsweredWithin3Rings) / float64(r.Offered)
			r.AbandonRate = float64(r.Abandoned) / float64(r.Offered)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("summary: %w", translate(err))
	}
	return out, nil
}
