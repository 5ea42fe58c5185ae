package mm4out

import (
	"fmt"
	"strings"

	"github.com/emersion/go-sasl"
)

// loginClient is the client side of the LOGIN SASL mechanism
// (draft-murchison-sasl-login). It sends no initial response, so the peer
// leads with "334 VXNlcm5hbWU6" ("Username:") as in the NowSMS dialog, and it
// answers each prompt by what the prompt asks rather than by its turn:
// go-sasl's LOGIN client sends the user name up front and then accepts only
// "Password:", which fails against peers that ask for the user name again.
type loginClient struct{ user, password string }

func (c loginClient) Start() (mech string, ir []byte, err error) { return sasl.Login, nil, nil }

func (c loginClient) Next(challenge []byte) ([]byte, error) {
	switch prompt := strings.ToLower(strings.TrimSpace(string(challenge))); {
	case strings.HasPrefix(prompt, "user"):
		return []byte(c.user), nil
	case strings.HasPrefix(prompt, "pass"):
		return []byte(c.password), nil
	default:
		return nil, fmt.Errorf("unexpected LOGIN prompt %q", challenge)
	}
}
