package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/admin"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/store"
)

func cmdMessages(ctx context.Context, e env, args []string) error {
	lf := newListFlags(e, "messages", "message")
	limit := lf.Int("limit", 20, "how many messages, newest first")
	if err := lf.parse(args); err != nil {
		return err
	}
	if *limit <= 0 {
		return usageError{"-limit must be positive"}
	}
	return list(ctx, e, lf, listing[mms.Summary]{
		find: func(ctx context.Context, st *store.Store) ([]mms.Summary, error) {
			return st.Messages(ctx, *limit)
		},
		header: []string{"ID", "RECEIVED", "VASP", "FROM", "SIZE", "PARTS", "RECIPIENTS", "SUBJECT"},
		row: func(s mms.Summary) []string {
			var rc []string
			for _, d := range s.Recipients {
				rc = append(rc, fmt.Sprintf("%s(%s:%s)", d.Address, d.Route, d.State))
			}
			return escapeCells([]string{string(s.ID), s.Received.UTC().Format(time.RFC3339), s.VASP, s.From,
				strconv.FormatInt(s.Size, 10), strconv.Itoa(len(s.Parts)), strings.Join(rc, " "), s.Subject})
		},
		json: func(ctx context.Context, st *store.Store, s mms.Summary) (any, error) {
			mails, err := st.Outbox().ForMessage(ctx, s.ID)
			if err != nil {
				return nil, err
			}
			return escapedJSON(admin.MessageOf(s, mails))
		},
	})
}
