package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/route"
)

const (
	routeColumns = `name, kind, match_masks, is_default, host, domain, originator_system, sender, sender_override,
	tls, auth_user, auth_password, strip_prefix, add_prefix, created, vasp`

	insertRouteSQL = `INSERT INTO routes (` + routeColumns + `)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
ON CONFLICT DO NOTHING`
	selectRoutesSQL = `SELECT ` + routeColumns + ` FROM routes`
	deleteRouteSQL  = `DELETE FROM routes WHERE name = $1`

	// A second default would make "the default" depend on order.
	otherDefaultSQL = `SELECT name FROM routes WHERE is_default = 1 AND name <> $1`
)

// ErrSecondDefault refuses a default route when another is the default.
var ErrSecondDefault = mms.Conflict("another route is already the default")

// AddRoute stores a new route; ErrExists if the name is taken,
// ErrSecondDefault if it is a default and another route is. A zero Created
// is set to the current time.
func (s *Store) AddRoute(ctx context.Context, r route.Route) error {
	if r.Created.IsZero() {
		r.Created = time.Now()
	}
	err := s.w.do(ctx, 0, func(b *batch) error {
		if r.Default {
			other, err := otherDefault(b, r.Name)
			if err != nil {
				return err
			}
			if other != "" {
				return fmt.Errorf("%w (%s)", ErrSecondDefault, other)
			}
		}
		err := b.execOne(insertRouteSQL, r.Name, string(r.Kind), r.Match.String(), flag(r.Default), r.Host, r.Domain,
			r.OriginatorSystem, r.Sender, flag(r.SenderOverride), r.TLS, r.User, r.Password, r.StripPrefix,
			r.AddPrefix, millis(r.Created), r.VASP)
		if !errors.Is(err, mms.ErrNotFound) {
			return err
		}
		// Nothing inserted: the name is taken, or (a default added
		// meanwhile, on another connection) the default is.
		if r.Default {
			if other, err := otherDefault(b, r.Name); err != nil || other != "" {
				return cmp.Or(err, fmt.Errorf("%w (%s)", ErrSecondDefault, other))
			}
		}
		return ErrExists
	})
	if err != nil {
		return fmt.Errorf("store: add route %q: %w", r.Name, err)
	}
	return nil
}

// otherDefault is the name of the default route other than name, "" if
// there is none.
func otherDefault(b *batch, name string) (string, error) {
	rows, err := b.query(otherDefaultSQL, name)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var other string
	if rows.Next() {
		if err := rows.Scan(&other); err != nil {
			return "", err
		}
	}
	return other, rows.Err()
}

// Routes lists every route, sorted by name.
func (s *Store) Routes(ctx context.Context) (route.Table, error) {
	rows, err := s.read.QueryContext(ctx, selectRoutesSQL)
	if err != nil {
		return nil, fmt.Errorf("store: routes: %w", err)
	}
	defer rows.Close()
	var t route.Table
	for rows.Next() {
		var (
			r                   route.Route
			kind, masks         string
			isDefault, override int64
			created             int64
		)
		if err := rows.Scan(&r.Name, &kind, &masks, &isDefault, &r.Host, &r.Domain, &r.OriginatorSystem, &r.Sender,
			&override, &r.TLS, &r.User, &r.Password, &r.StripPrefix, &r.AddPrefix, &created, &r.VASP); err != nil {
			return nil, fmt.Errorf("store: routes: %w", err)
		}
		r.Kind, r.Match, r.Default, r.SenderOverride = route.Kind(kind), mms.ParseMasks(masks), isDefault != 0, override != 0
		r.Created = fromMillis(created)
		t = append(t, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: routes: %w", err)
	}
	slices.SortFunc(t, func(a, b route.Route) int { return cmp.Compare(a.Name, b.Name) })
	return t, nil
}

// RemoveRoute deletes a route; mms.ErrNotFound if there is none. Recipients
// already routed by it keep their route name and fail at their next try
// if no route of that name is added again.
func (s *Store) RemoveRoute(ctx context.Context, name string) error {
	err := s.w.do(ctx, 0, func(b *batch) error { return b.execOne(deleteRouteSQL, name) })
	if err != nil {
		return fmt.Errorf("store: remove route %q: %w", name, err)
	}
	return nil
}
