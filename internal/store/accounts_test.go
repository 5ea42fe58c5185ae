package store

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

func TestAccounts(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		ctx := context.Background()
		alice := vasp.Account{Name: "alice", PasswordHash: "$2a$10$x", AllowIP: "10.0.0.*", SenderMask: "+4477*", Created: t0, MaxConnections: 100}
		ip := vasp.Account{Name: "192.0.2.7", Created: t0.Add(time.Second), MaxConnections: 5}
		steps := []struct {
			name string
			do   func() error
			want error
		}{
			{"add alice", func() error { return s.AddAccount(ctx, alice) }, nil},
			{"add ip account", func() error { return s.AddAccount(ctx, ip) }, nil},
			{"add alice again", func() error { return s.AddAccount(ctx, vasp.Account{Name: "alice"}) }, ErrExists},
			{"add Alice (names are exact)", func() error { return s.AddAccount(ctx, vasp.Account{Name: "Alice", Created: t0}) }, nil},
			{"set password", func() error { return s.SetPassword(ctx, "alice", "$2a$10$y") }, nil},
			{"set password of nobody", func() error { return s.SetPassword(ctx, "bob", "h") }, mms.ErrNotFound},
			{"remove Alice", func() error { return s.RemoveAccount(ctx, "Alice") }, nil},
			{"remove Alice again", func() error { return s.RemoveAccount(ctx, "Alice") }, mms.ErrNotFound},
			{"get removed", func() error { _, err := s.Account(ctx, "Alice"); return err }, mms.ErrNotFound},
			{"get ALICE", func() error { _, err := s.Account(ctx, "ALICE"); return err }, mms.ErrNotFound},
		}
		for _, st := range steps {
			err := st.do()
			if !errors.Is(err, st.want) || (st.want == nil) != (err == nil) {
				t.Fatalf("%s: got %v, want %v", st.name, err, st.want)
			}
		}
		alice.PasswordHash = "$2a$10$y"
		got, err := s.Account(ctx, "alice")
		if err != nil || got != alice {
			t.Errorf("Account(alice) = %+v, %v; want %+v", got, err, alice)
		}
		l, err := s.Accounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := []vasp.Account{ip, alice}; !reflect.DeepEqual(l, want) {
			t.Errorf("Accounts:\n got %+v\nwant %+v", l, want)
		}
	})
}

func TestAddAccountSetsCreated(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s := bk.open(t, bk.fresh(t))
		before := time.Now().Truncate(time.Millisecond)
		if err := s.AddAccount(context.Background(), vasp.Account{Name: "n"}); err != nil {
			t.Fatal(err)
		}
		a, err := s.Account(context.Background(), "n")
		if err != nil {
			t.Fatal(err)
		}
		if a.Created.Before(before) || a.Created.After(time.Now()) {
			t.Errorf("Created = %v, want about now", a.Created)
		}
	})
}

// TestTwoStoresOneDatabase stands for the server and the CLI, two
// processes on one database: each sees the other's writes, and the second's
// account changes get through while the first is busy accepting.
func TestTwoStoresOneDatabase(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		dir := bk.fresh(t)
		server, cli := bk.open(t, dir), bk.open(t, dir)
		ctx := context.Background()

		stop := make(chan struct{})
		var accepted atomic.Int64
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					if err := server.Accept(ctx, sizedMessage(testID(), t0, 30000, 22000)); err != nil {
						t.Errorf("server Accept: %v", err)
						return
					}
					accepted.Add(1)
				}
			})
		}
		defer func() {
			close(stop)
			wg.Wait()
		}()
		for accepted.Load() < 20 {
			time.Sleep(time.Millisecond)
		}

		for i, name := range []string{"vasp-a", "vasp-b", "vasp-c"} {
			start := time.Now()
			if err := cli.AddAccount(ctx, vasp.Account{Name: name, PasswordHash: "h", Created: t0}); err != nil {
				t.Fatalf("cli AddAccount %s: %v", name, err)
			}
			t.Logf("cli AddAccount %s under load took %v", name, time.Since(start))
			if _, err := server.Account(ctx, name); err != nil {
				t.Errorf("server does not see %s: %v", name, err)
			}
			if i == 1 {
				if err := cli.SetPassword(ctx, name, "h2"); err != nil {
					t.Errorf("cli SetPassword: %v", err)
				}
				if err := cli.RemoveAccount(ctx, "vasp-a"); err != nil {
					t.Errorf("cli RemoveAccount: %v", err)
				}
			}
		}
		if err := server.AddAccount(ctx, vasp.Account{Name: "vasp-a", Created: t0}); err != nil {
			t.Errorf("server AddAccount after cli removed it: %v", err)
		}
		if err := cli.AddAccount(ctx, vasp.Account{Name: "vasp-a", Created: t0}); !errors.Is(err, ErrExists) {
			t.Errorf("cli AddAccount of server's account: got %v, want ErrExists", err)
		}
		if a, err := server.Account(ctx, "vasp-b"); err != nil || a.PasswordHash != "h2" {
			t.Errorf("server sees vasp-b as %+v, %v; want password h2", a, err)
		}

		// The second store writes messages and leases deliveries too.
		m := fullMessage(testID(), t0)
		if err := cli.Accept(ctx, m); err != nil {
			t.Fatalf("cli Accept: %v", err)
		}
		if got, err := server.Message(ctx, m.ID); err != nil || !reflect.DeepEqual(got, stored(m)) {
			t.Errorf("server Message of cli's message: %v, equal %v", err, reflect.DeepEqual(got, stored(m)))
		}
		leased, err := cli.Lease(ctx, "cli", t0, time.Minute, 5)
		if err != nil || len(leased) != 5 {
			t.Errorf("cli Lease: %d rows, %v", len(leased), err)
		}
	})
}
