package mm4

import (
	"mime"
	"path"
	"strconv"
	"strings"
)

// guessType names the media type of a file from its extension. The MMS
// types come first because system tables disagree on them or lack them
// (Debian's maps .smil to application/smil+xml, which handsets ignore, and
// .amr to audio/AMR) and the message should not depend on the host.
func guessType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t := mmsType(ext); t != "" {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// mmsType covers the content types of OMA MMS CONF and what handsets send.
func mmsType(ext string) string {
	switch ext {
	case ".txt":
		return "text/plain"
	case ".smil", ".smi":
		return "application/smil"
	case ".jpg", ".jpeg", ".jpe":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".png":
		return "image/png"
	case ".bmp":
		return "image/bmp"
	case ".wbmp":
		return "image/vnd.wap.wbmp"
	case ".webp":
		return "image/webp"
	case ".amr":
		return "audio/amr"
	case ".awb":
		return "audio/amr-wb"
	case ".mp3":
		return "audio/mpeg"
	case ".m4a", ".aac":
		return "audio/mp4"
	case ".mid", ".midi":
		return "audio/midi"
	case ".wav":
		return "audio/wav"
	case ".ogg":
		return "audio/ogg"
	case ".qcp":
		return "audio/qcelp"
	case ".3gp":
		return "video/3gpp"
	case ".3g2":
		return "video/3gpp2"
	case ".mp4", ".m4v":
		return "video/mp4"
	case ".mov":
		return "video/quicktime"
	case ".vcf":
		return "text/x-vcard"
	case ".vcs":
		return "text/x-vcalendar"
	}
	return ""
}

// maxNameLen keeps Content-Location and Content-ID short: handsets show or
// store them, and some truncate long ones into collisions.
const maxNameLen = 64

// safeName turns a file name into one usable unquoted as Content-Location,
// Content-ID and SMIL src: its base name, with anything but letters, digits,
// '.', '-' and '_' replaced by '_'. Non-ASCII names are not worth the RFC
// 2231/2047 encodings that MMS peers handle unevenly.
func safeName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" || name == ".." {
		return ""
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if len(s) > maxNameLen {
		ext := path.Ext(s)
		if len(ext) > 10 {
			ext = ""
		}
		s = s[:maxNameLen-len(ext)] + ext
	}
	return s
}

// uniqueName returns name, or name with "-2", "-3"... before its extension,
// whichever is not yet in used, and records it.
func uniqueName(name string, used map[string]bool) string {
	candidate := name
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 2; used[strings.ToLower(candidate)]; i++ {
		candidate = stem + "-" + strconv.Itoa(i) + ext
	}
	used[strings.ToLower(candidate)] = true
	return candidate
}
