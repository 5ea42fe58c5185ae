package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/admin"
	"github.com/mmsc-project/mmsc/internal/store"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// openStore opens the configured store for a CLI verb. It shares the data
// with running servers (SQLite WAL allows both; PostgreSQL is shared).
func openStore(ctx context.Context, e env, configFlag string) (*store.Store, error) {
	cfg, err := loadConfig(configPath(configFlag, e.getenv))
	if err != nil {
		return nil, err
	}
	return cfg.openStore(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func cmdVASP(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usageError{"vasp needs a verb: add, set, list, remove, passwd"}
	}
	switch args[0] {
	case "add":
		return vaspAdd(ctx, e, args[1:])
	case "set":
		return vaspSet(ctx, e, args[1:])
	case "list":
		return vaspList(ctx, e, args[1:])
	case "remove":
		return vaspRemove(ctx, e, args[1:])
	case "passwd":
		return vaspPasswd(ctx, e, args[1:])
	}
	return usageError{fmt.Sprintf("unknown vasp verb %q (want add, set, list, remove, passwd)", args[0])}
}

// readPassword takes -password P, or reads a line from stdin for "-" so that
// the password stays out of the process list and shell history.
func readPassword(e env, p string) (string, error) {
	if p != "-" {
		return p, nil
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func vaspAdd(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "vasp add")
	config := fs.String("config", "", "configuration file")
	password := fs.String("password", "", "password, or - to read it from stdin (optional for an account named by IP address)")
	fields := newAccountFlags(fs)
	name, err := parseWithName(fs, args)
	if err != nil {
		return err
	}
	a := vasp.Account{Name: name, Created: time.Now().UTC()}
	fields.apply(&a)
	pw, err := readPassword(e, *password)
	if err != nil {
		return err
	}
	if pw != "" {
		if a.PasswordHash, err = vasp.HashPassword(pw); err != nil {
			return err
		}
	}
	if err := a.Validate(); err != nil {
		return usageError{err.Error()}
	}
	st, err := openStore(ctx, e, *config)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.AddAccount(ctx, a); err != nil {
		return fmt.Errorf("add %q: %w", name, err)
	}
	kind := "password account"
	if a.IsIPAccount() {
		kind = "IP account (every connection from " + name + " is this VASP)"
	}
	fmt.Fprintf(e.stdout, "added VASP %s: %s\n", name, kind)
	return nil
}

// vaspSet changes the fields named on the command line of an account
// there is, and keeps the rest.
func vaspSet(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "vasp set")
	config := fs.String("config", "", "configuration file")
	fields := newAccountFlags(fs)
	name, err := parseWithName(fs, args)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, e, *config)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := st.Account(ctx, name)
	if err != nil {
		return fmt.Errorf("set %q: %w", name, err)
	}
	fields.apply(&a)
	if err := a.Validate(); err != nil {
		return usageError{err.Error()}
	}
	if err := st.UpdateAccount(ctx, a); err != nil {
		return fmt.Errorf("set %q: %w", name, err)
	}
	fmt.Fprintf(e.stdout, "changed VASP %s\n", name)
	return nil
}

func vaspList(ctx context.Context, e env, args []string) error {
	lf := newListFlags(e, "vasp list", "account")
	if err := lf.parse(args); err != nil {
		return err
	}
	return list(ctx, e, lf, listing[vasp.Account]{
		find: func(ctx context.Context, st *store.Store) ([]vasp.Account, error) {
			return st.Accounts(ctx)
		},
		header: []string{"NAME", "KIND", "ALLOW-IP", "SENDER", "CREATED"},
		row: func(a vasp.Account) []string {
			kind := "password"
			if a.IsIPAccount() {
				kind = "ip"
			}
			return []string{a.Name, kind, dash(a.AllowIP), dash(a.SenderMask), a.Created.Format(time.RFC3339)}
		},
		json: func(_ context.Context, _ *store.Store, a vasp.Account) (any, error) {
			return admin.VASPOf(a), nil
		},
	})
}

func vaspRemove(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "vasp remove")
	config := fs.String("config", "", "configuration file")
	name, err := parseWithName(fs, args)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, e, *config)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.RemoveAccount(ctx, name); err != nil {
		return fmt.Errorf("remove %q: %w", name, err)
	}
	fmt.Fprintf(e.stdout, "removed VASP %s\n", name)
	return nil
}

func vaspPasswd(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "vasp passwd")
	config := fs.String("config", "", "configuration file")
	password := fs.String("password", "", "new password, or - to read it from stdin")
	name, err := parseWithName(fs, args)
	if err != nil {
		return err
	}
	pw, err := readPassword(e, *password)
	if err != nil {
		return err
	}
	if pw == "" {
		return usageError{"vasp passwd needs -password P (or - to read stdin)"}
	}
	hash, err := vasp.HashPassword(pw)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, e, *config)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SetPassword(ctx, name, hash); err != nil {
		return fmt.Errorf("passwd %q: %w", name, err)
	}
	fmt.Fprintf(e.stdout, "changed the password of VASP %s\n", name)
	return nil
}
