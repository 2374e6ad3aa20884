package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
)

const customerColumns = `c.id, c.name, c.surname, c.title, c.company, c.vip,
	coalesce(to_char(c.birthday, 'YYYY-MM-DD'), ''), c.language, c.notes, c.created_at, c.updated_at,
	coalesce((SELECT array_agg(n.number ORDER BY n.position) FROM customer_numbers n WHERE n.customer_id = c.id), '{}')`

func scanCustomer(row pgx.Row) (record.Customer, error) {
	var c record.Customer
	err := row.Scan(&c.ID, &c.Name, &c.Surname, &c.Title, &c.Company, &c.VIP, &c.Birthday,
		&c.Language, &c.Notes, &c.CreatedAt, &c.UpdatedAt, &c.Numbers)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if c.Numbers == nil {
		c.Numbers = []string{}
	}
	return c, err
}

// prepareCustomer validates c and normalises its numbers (deduplicated,
// order kept: the first is the main number).
func (s *Store) prepareCustomer(c record.Customer) (record.Customer, error) {
	if strings.TrimSpace(c.Name) == "" && strings.TrimSpace(c.Surname) == "" && strings.TrimSpace(c.Company) == "" {
		return c, invalid("name, surname or company: one is required")
	}
	if c.Birthday != "" {
		if _, err := time.Parse(time.DateOnly, c.Birthday); err != nil {
			return c, invalid("birthday: want YYYY-MM-DD")
		}
	}
	nums := make([]string, 0, len(c.Numbers))
	seen := map[string]bool{}
	for i, raw := range c.Numbers {
		n := s.phone(raw)
		if n == "" {
			return c, invalid("numbers[%d]: empty", i)
		}
		if !seen[n] {
			seen[n] = true
			nums = append(nums, n)
		}
	}
	c.Numbers = nums
	return c, nil
}

func nullDate(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateCustomer adds a customer file entry; an empty ID gets a new ULID. A
// number already on another customer's file is EConflict.
func (s *Store) CreateCustomer(ctx context.Context, c record.Customer) (record.Customer, error) {
	c, err := s.prepareCustomer(c)
	if err != nil {
		return record.Customer{}, fmt.Errorf("create customer: %w", err)
	}
	if c.ID == "" {
		c.ID = ulid.Make().String()
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO customers (id, name, surname, title, company, vip, birthday, language, notes)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			c.ID, c.Name, c.Surname, c.Title, c.Company, c.VIP, nullDate(c.Birthday), c.Language, c.Notes)
		if err != nil {
			return err
		}
		return setNumbers(ctx, tx, c.ID, c.Numbers)
	})
	if err != nil {
		return record.Customer{}, fmt.Errorf("create customer: %w", translate(err))
	}
	return s.GetCustomer(ctx, c.ID)
}

func setNumbers(ctx context.Context, tx pgx.Tx, id string, numbers []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM customer_numbers WHERE customer_id = $1`, id); err != nil {
		return err
	}
	if len(numbers) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO customer_numbers (number, customer_id, position)
		SELECT n, $1, p FROM unnest($2::text[]) WITH ORDINALITY AS u(n, p)`, id, numbers)
	return err
}

// UpdateCustomer replaces a customer's fields and numbers (CreatedAt is kept).
func (s *Store) UpdateCustomer(ctx context.Context, c record.Customer) (record.Customer, error) {
	c, err := s.prepareCustomer(c)
	if err != nil {
		return record.Customer{}, fmt.Errorf("update customer: %w", err)
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE customers SET name = $2, surname = $3, title = $4, company = $5,
			vip = $6, birthday = $7, language = $8, notes = $9, updated_at = now() WHERE id = $1`,
			c.ID, c.Name, c.Surname, c.Title, c.Company, c.VIP, nullDate(c.Birthday), c.Language, c.Notes)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return notFound("customer", nil)
		}
		return setNumbers(ctx, tx, c.ID, c.Numbers)
	})
	if err != nil {
		return record.Customer{}, fmt.Errorf("update customer: %w", translate(err))
	}
	return s.GetCustomer(ctx, c.ID)
}

// GetCustomer returns one customer by id.
func (s *Store) GetCustomer(ctx context.Context, id string) (record.Customer, error) {
	c, err := scanCustomer(s.pool.QueryRow(ctx, `SELECT `+customerColumns+` FROM customers c WHERE c.id = $1`, id))
	if err != nil {
		return record.Customer{}, fmt.Errorf("get customer: %w", rowError("customer", err))
	}
	return c, nil
}

// FindCustomerByPhone returns the customer whose file holds number, however
// it is written (it is normalised first). No match is ENotFound.
func (s *Store) FindCustomerByPhone(ctx context.Context, number string) (record.Customer, error) {
	n := s.phone(number)
	if n == "" {
		return record.Customer{}, fmt.Errorf("find customer: %w", invalid("number: required"))
	}
	c, err := scanCustomer(s.pool.QueryRow(ctx, `SELECT `+customerColumns+` FROM customers c
		WHERE c.id = (SELECT customer_id FROM customer_numbers WHERE number = $1)`, n))
	if err != nil {
		return record.Customer{}, fmt.Errorf("find customer: %w", rowError("customer", err))
	}
	return c, nil
}

// ListCustomers pages through the customer file by id (creation order for
// ULIDs). The returned cursor is empty on the last page.
func (s *Store) ListCustomers(ctx context.Context, q record.ListQuery) ([]record.Customer, string, error) {
	return listByID(ctx, s, "list customers", q, `SELECT `+customerColumns+` FROM customers c
		WHERE c.id > $1 ORDER BY c.id LIMIT $2`, scanCustomer, func(c record.Customer) string { return c.ID })
}
