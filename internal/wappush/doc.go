// Package wappush sends WAP Push messages over the SMS link: for MM1, the
// m-notification-ind that tells a handset a message waits for it
// (OMA-TS-MMS_ENC 1.3 §6.2) in a connectionless WSP Push (WAP-230-WSP §8.2.4)
// carried in 8-bit SMS with application port addressing 2948 ← 9200 and,
// when it does not fit one SMS, concatenation with an 8-bit reference
// (3GPP TS 23.040 §9.2.3.24; WAP-259-WDP). For Multimedia WAP Push and web
// links (PagePush), a Service Indication pointing at the message's page
// (WAP-167-ServiceInd, to port 2948 as well), a plain text SMS with the
// page's link, or both.
//
// It departs from the standards only by leaving things out: no WDP
// adaptation for CDMA and no PPG/PAP. The notification always carries
// Message-Class (Personal when the sender gave none) and its Expiry as an
// absolute date, because handsets drop notifications without them.
package wappush
