package store

import (
	"context"
	"fmt"

	"github.com/mmsc-project/mmsc/internal/route"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

const (
	updateAccountSQL = `UPDATE vasps SET password_hash = $2, allow_ip = $3, sender_mask = $4, report_to = $5,
	report_user = $6, report_password = $7, mm7_url = $8, mm7_user = $9, mm7_password = $10, mm7_version = $11,
	max_rate = $12, max_connections = $13
WHERE name = $1`

	updateRouteSQL = `UPDATE routes SET kind = $2, match_masks = $3, is_default = $4, host = $5, domain = $6,
	originator_system = $7, sender = $8, sender_override = $9, tls = $10, auth_user = $11, auth_password = $12,
	strip_prefix = $13, add_prefix = $14, vasp = $15
WHERE name = $1`
)

// UpdateAccount replaces every field of the account named a.Name but its
// creation time; mms.ErrNotFound if there is none. Like AddAccount it does
// not validate a.
func (s *Store) UpdateAccount(ctx context.Context, a vasp.Account) error {
	err := s.w.do(ctx, 0, func(b *batch) error {
		return b.execOne(updateAccountSQL, a.Name, a.PasswordHash, a.AllowIP, a.SenderMask, a.ReportTo, a.ReportUser,
			a.ReportPassword, a.MM7URL, a.MM7User, a.MM7Password, a.MM7Version, int64(a.MaxRate), int64(a.MaxConnections))
	})
	if err != nil {
		return fmt.Errorf("store: update account %q: %w", a.Name, err)
	}
	return nil
}

// UpdateRoute replaces every field of the route named r.Name but its
// creation time; mms.ErrNotFound if there is none, ErrSecondDefault if it
// becomes a default while another route is.
func (s *Store) UpdateRoute(ctx context.Context, r route.Route) error {
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
		return b.execOne(updateRouteSQL, r.Name, string(r.Kind), r.Match.String(), flag(r.Default), r.Host, r.Domain,
			r.OriginatorSystem, r.Sender, flag(r.SenderOverride), r.TLS, r.User, r.Password, r.StripPrefix,
			r.AddPrefix, r.VASP)
	})
	if err != nil {
		return fmt.Errorf("store: update route %q: %w", r.Name, err)
	}
	return nil
}
