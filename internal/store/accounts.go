package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

const (
	insertAccountSQL = `INSERT INTO vasps (name, password_hash, allow_ip, sender_mask, created, report_to, report_user,
	report_password, mm7_url, mm7_user, mm7_password, mm7_version, max_rate, max_connections)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT (name) DO NOTHING`
	accountColumns = `name, password_hash, allow_ip, sender_mask, created, report_to, report_user, report_password,
	mm7_url, mm7_user, mm7_password, mm7_version, max_rate, max_connections`
	selectAccountSQL  = `SELECT ` + accountColumns + ` FROM vasps WHERE name = $1`
	selectAccountsSQL = `SELECT ` + accountColumns + ` FROM vasps`
	deleteAccountSQL  = `DELETE FROM vasps WHERE name = $1`
	updatePasswordSQL = `UPDATE vasps SET password_hash = $1 WHERE name = $2`
)

// AddAccount stores a new VASP account; ErrExists if the name is taken.
// A zero Created is set to the current time. The account is not validated
// here: that is the business of whoever takes it from an operator.
func (s *Store) AddAccount(ctx context.Context, a vasp.Account) error {
	if a.Name == "" {
		return errors.New("store: add account: empty name")
	}
	if a.Created.IsZero() {
		a.Created = time.Now()
	}
	err := s.w.do(ctx, 0, func(b *batch) error {
		// A duplicate inserts nothing instead of failing, which would spoil
		// the batch it shares with other writes.
		err := b.execOne(insertAccountSQL, a.Name, a.PasswordHash, a.AllowIP, a.SenderMask, millis(a.Created),
			a.ReportTo, a.ReportUser, a.ReportPassword, a.MM7URL, a.MM7User, a.MM7Password, a.MM7Version, int64(a.MaxRate),
			int64(a.MaxConnections))
		if errors.Is(err, mms.ErrNotFound) {
			return ErrExists
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: add account %q: %w", a.Name, err)
	}
	return nil
}

// Account loads one account by its exact name; mms.ErrNotFound if there is none.
func (s *Store) Account(ctx context.Context, name string) (vasp.Account, error) {
	a, err := scanAccount(s.read.QueryRowContext(ctx, selectAccountSQL, name))
	if errors.Is(err, sql.ErrNoRows) {
		err = mms.ErrNotFound
	}
	if err != nil {
		return vasp.Account{}, fmt.Errorf("store: account %q: %w", name, err)
	}
	return a, nil
}

// Accounts lists every account, sorted by name byte by byte (sorted here,
// not in SQL, because PostgreSQL would sort by the database's collation).
func (s *Store) Accounts(ctx context.Context) ([]vasp.Account, error) {
	rows, err := s.read.QueryContext(ctx, selectAccountsSQL)
	if err != nil {
		return nil, fmt.Errorf("store: accounts: %w", err)
	}
	defer rows.Close()
	var l []vasp.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("store: accounts: %w", err)
		}
		l = append(l, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: accounts: %w", err)
	}
	slices.SortFunc(l, func(a, b vasp.Account) int { return cmp.Compare(a.Name, b.Name) })
	return l, nil
}

// RemoveAccount deletes an account; mms.ErrNotFound if there is none. Messages
// the account submitted keep its name.
func (s *Store) RemoveAccount(ctx context.Context, name string) error {
	err := s.w.do(ctx, 0, func(b *batch) error {
		return b.execOne(deleteAccountSQL, name)
	})
	if err != nil {
		return fmt.Errorf("store: remove account %q: %w", name, err)
	}
	return nil
}

// SetPassword replaces an account's password hash; mms.ErrNotFound if there is
// no such account.
func (s *Store) SetPassword(ctx context.Context, name, hash string) error {
	err := s.w.do(ctx, 0, func(b *batch) error {
		return b.execOne(updatePasswordSQL, hash, name)
	})
	if err != nil {
		return fmt.Errorf("store: set password of %q: %w", name, err)
	}
	return nil
}

func scanAccount(r scanner) (vasp.Account, error) {
	var a vasp.Account
	var created int64
	if err := r.Scan(&a.Name, &a.PasswordHash, &a.AllowIP, &a.SenderMask, &created, &a.ReportTo, &a.ReportUser,
		&a.ReportPassword, &a.MM7URL, &a.MM7User, &a.MM7Password, &a.MM7Version, &a.MaxRate, &a.MaxConnections); err != nil {
		return vasp.Account{}, err
	}
	a.Created = fromMillis(created)
	return a, nil
}
