package smtpd

import (
	"errors"

	"github.com/emersion/go-sasl"
)

// loginServer is the server side of the LOGIN SASL mechanism
// (draft-murchison-sasl-login), which go-sasl stopped shipping. The prompts
// are the exact strings NowSMS sends; go-smtp base64-encodes them into
// "334 VXNlcm5hbWU6" and "334 UGFzc3dvcmQ6".
type loginServer struct {
	authenticate func(username, password string) error
	username     string
	step         int
}

var errLoginUnexpected = errors.New("unexpected LOGIN response")

func newLoginServer(authenticate func(username, password string) error) sasl.Server {
	return &loginServer{authenticate: authenticate}
}

func (a *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	switch a.step {
	case 0:
		a.step = 1
		if response == nil {
			return []byte("Username:"), false, nil
		}
		// "AUTH LOGIN <base64 user>": the initial response is the user name.
		a.username = string(response)
		a.step = 2
		return []byte("Password:"), false, nil
	case 1:
		a.username = string(response)
		a.step = 2
		return []byte("Password:"), false, nil
	case 2:
		a.step = 3
		return nil, true, a.authenticate(a.username, string(response))
	default:
		return nil, false, errLoginUnexpected
	}
}
