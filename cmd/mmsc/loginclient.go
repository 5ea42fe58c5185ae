package main

import (
	"fmt"
	"strings"

	"github.com/emersion/go-sasl"
)

// loginClient is the client side of SASL LOGIN. It sends no initial
// response, so the server leads with "334 VXNlcm5hbWU6" as in the NowSMS
// dialog, and it answers by prompt rather than by turn: go-sasl's LOGIN
// client fails against servers that ask for the user name again.
type loginClient struct{ user, password string }

func (c loginClient) Start() (string, []byte, error) { return sasl.Login, nil, nil }

func (c loginClient) Next(challenge []byte) ([]byte, error) {
	switch p := strings.ToLower(strings.TrimSpace(string(challenge))); {
	case strings.HasPrefix(p, "user"):
		return []byte(c.user), nil
	case strings.HasPrefix(p, "pass"):
		return []byte(c.password), nil
	default:
		return nil, fmt.Errorf("unexpected LOGIN prompt %q", challenge)
	}
}
