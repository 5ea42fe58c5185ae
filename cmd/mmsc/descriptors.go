package main

// descriptorReserve is how many file descriptors no listener may take: the
// store's files and connections, the SMS link, MM4 and MM7 going out,
// routing callbacks, and the listeners' own accept-then-refuse. A tenth of
// the limit, and at least this many.
const descriptorReserve = 256

// listenerCaps is what the SMTP and HTTP listeners may hold together under
// a descriptor limit (0: unknown), so that connections from outside can
// never take the descriptors the rest of the process needs. Caps that do
// not fit are lowered in proportion; fit says whether they did.
func listenerCaps(limit uint64, smtp, http int) (smtpCap, httpCap int, fit bool) {
	if limit == 0 {
		return smtp, http, true
	}
	reserve := max(uint64(descriptorReserve), limit/10)
	if limit <= reserve+2 {
		return 1, 1, false
	}
	budget := limit - reserve
	want := uint64(smtp) + uint64(http)
	if want <= budget {
		return smtp, http, true
	}
	smtpCap = max(1, int(budget*uint64(smtp)/want))
	httpCap = max(1, int(budget)-smtpCap)
	return smtpCap, httpCap, false
}
