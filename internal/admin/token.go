package admin

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// TokenFile is where a token is kept when the configuration gives none.
const TokenFile = "admin-token"

// LoadToken is the admin token: configured when set, else the one in
// dir/admin-token, made at the first start (256 random bits, hex) and
// written for the owner alone (0600). made says whether it was made now,
// so that the caller can say where it is.
func LoadToken(dir, configured string) (token, path string, made bool, err error) {
	if configured != "" {
		return configured, "", false, nil
	}
	path = filepath.Join(dir, TokenFile)
	if b, err := os.ReadFile(path); err == nil {
		token = strings.TrimSpace(string(b))
		if token == "" {
			return "", path, false, fmt.Errorf("admin token file %s is empty; delete it to have a new one made", path)
		}
		return token, path, false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", path, false, fmt.Errorf("admin token: %w", err)
	}
	var b [32]byte
	rand.Read(b[:])
	token = hex.EncodeToString(b[:])
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", path, false, fmt.Errorf("admin token: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", path, false, fmt.Errorf("admin token: %w", err)
	}
	_, err = f.WriteString(token + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", path, false, fmt.Errorf("admin token: %w", err)
	}
	return token, path, true, nil
}
