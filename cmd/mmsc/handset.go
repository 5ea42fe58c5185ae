package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
)

// cmdHandset stands in for a phone: it sends an m-send-req or fetches a
// message the way a handset's MMS client does, through the gateway's
// MSISDN header, so an operator can try a deployment without a phone.
func cmdHandset(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usageError{"handset needs send or fetch"}
	}
	switch args[0] {
	case "send":
		return handsetSend(ctx, e, args[1:])
	case "fetch":
		return handsetFetch(ctx, e, args[1:])
	}
	return usageError{fmt.Sprintf("unknown handset verb %q", args[0])}
}

// handsetFlags are what both handset verbs take: who the phone is.
type handsetFlags struct {
	msisdn, header *string
}

func addHandsetFlags(fs interface {
	String(name, value, usage string) *string
}) handsetFlags {
	return handsetFlags{
		msisdn: fs.String("msisdn", "", "the phone's number, as the WAP gateway would insert it"),
		header: fs.String("msisdn-header", "X-MSISDN", "the header the gateway puts it in (one of [mm1] msisdn_headers)"),
	}
}

func handsetSend(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "handset send")
	url := fs.String("url", "http://127.0.0.1:8080/mms", "the MMSC URL of the phone's APN settings")
	hf := addHandsetFlags(fs)
	to := fs.String("to", "", "recipients, comma-separated: numbers or e-mail addresses")
	subject := fs.String("subject", "", "subject")
	text := fs.String("text", "", "text part")
	deliveryReport := fs.Bool("delivery-report", false, "ask for delivery reports (m-delivery-ind)")
	readReport := fs.Bool("read-report", false, "ask for read reports (m-read-orig-ind)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *hf.msisdn == "" || *to == "" {
		return usageError{"handset send needs -msisdn and -to"}
	}
	if *text == "" && fs.NArg() == 0 {
		return usageError{"handset send needs -text or at least one FILE"}
	}
	var files []mm4.File
	for _, name := range fs.Args() {
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		files = append(files, mm4.File{Name: filepath.Base(name), Data: data})
	}
	parts, err := mm4.Compose(*text, files)
	if err != nil {
		return err
	}
	req := &mmsenc.PDU{Type: mmsenc.SendReq, TransactionID: mms.NewTransactionID(), FromInsert: true,
		Subject: *subject, ContentType: mmsenc.MediaMultipartMixed, Date: time.Now()}
	for _, a := range strings.Split(*to, ",") {
		if a = strings.TrimSpace(a); mms.IsPhoneNumber(a) {
			a += "/TYPE=PLMN"
		}
		if a != "" {
			req.To = append(req.To, a)
		}
	}
	if *deliveryReport {
		req.DeliveryReport = deliveryReport
	}
	if *readReport {
		req.ReadReport = readReport
	}
	if len(files) > 0 {
		req.ContentType = mime.FormatMediaType("application/vnd.wap.multipart.related",
			map[string]string{"start": mm4.SMILID, "type": "application/smil"})
	}
	for _, p := range parts {
		req.Parts = append(req.Parts, mmsenc.Part{ContentType: p.ContentType, ContentID: p.ContentID,
			ContentLocation: p.ContentLocation, Data: p.Data})
	}
	body, err := mmsenc.Encode(req)
	if err != nil {
		return err
	}
	resp, err := handsetRequest(ctx, http.MethodPost, *url, hf, body)
	if err != nil {
		return err
	}
	conf, err := mmsenc.Decode(resp)
	if err != nil {
		return fmt.Errorf("the answer is not an MMS PDU: %w", err)
	}
	printPDU(e.stdout, conf)
	if conf.Type != mmsenc.SendConf || conf.ResponseStatus != mmsenc.ResponseOk {
		return fmt.Errorf("not sent: %s %s", mmsenc.ResponseStatusName(conf.ResponseStatus), conf.ResponseText)
	}
	return nil
}

func handsetFetch(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "handset fetch")
	hf := addHandsetFlags(fs)
	out := fs.String("out", "", "a directory to save the parts in, each under its Content-Location")
	url, err := parseWithName(fs, args)
	if err != nil {
		return err
	}
	if url == "" {
		return usageError{"handset fetch needs the URL of the notification's Content-Location"}
	}
	resp, err := handsetRequest(ctx, http.MethodGet, url, hf, nil)
	if err != nil {
		return err
	}
	conf, err := mmsenc.Decode(resp)
	if err != nil {
		return fmt.Errorf("the answer is not an MMS PDU: %w", err)
	}
	printPDU(e.stdout, conf)
	if *out == "" {
		return nil
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for i, p := range conf.Parts {
		name := filepath.Base(filepath.Clean("/" + p.ContentLocation))
		if name == "/" || name == "." {
			name = fmt.Sprintf("part%d", i+1)
		}
		if err := os.WriteFile(filepath.Join(*out, name), p.Data, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "saved %s\n", filepath.Join(*out, name))
	}
	return nil
}

// handsetRequest makes one MM1 request as the phone and returns the body
// of a 200 answer.
func handsetRequest(ctx context.Context, method, url string, hf handsetFlags, body []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, usageError{err.Error()}
	}
	if body != nil {
		req.Header.Set("Content-Type", mmsenc.MediaMMS)
	}
	if *hf.msisdn != "" {
		req.Header.Set(*hf.header, *hf.msisdn)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, strings.TrimSpace(string(b)))
	}
	return b, nil
}

// printPDU writes the headers of p that are present, and a line a part.
func printPDU(w io.Writer, p *mmsenc.PDU) {
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-16s %s\n", k+":", v)
		}
	}
	line("Message-Type", p.Type.String())
	line("Transaction-ID", p.TransactionID)
	if p.Type == mmsenc.SendConf {
		line("Response-Status", mmsenc.ResponseStatusName(p.ResponseStatus))
	}
	line("Response-Text", p.ResponseText)
	line("Message-ID", p.MessageID)
	if !p.Date.IsZero() {
		line("Date", p.Date.UTC().Format(time.RFC3339))
	}
	line("From", p.From)
	line("To", strings.Join(p.To, ", "))
	line("Cc", strings.Join(p.Cc, ", "))
	line("Subject", p.Subject)
	line("Content-Type", p.ContentType)
	for i, part := range p.Parts {
		fmt.Fprintf(w, "part %d: %s, %d octets, Content-Location %q, Content-ID %q\n", i+1, part.ContentType,
			len(part.Data), part.ContentLocation, part.ContentID)
	}
}
