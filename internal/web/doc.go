// Package web shows a stored message as a small mobile web page: the
// Multimedia WAP Push of NowSMS (see the NowSMS notes in the shared
// reference, §10), where a recipient gets a link instead of an MMS and
// its phone's browser, not its MMS client, shows the content.
//
// It follows NowSMS in what the page offers (the message's text, its
// images shown scaled to the screen, a link to every object) and in
// ExpireDynamicLinks, the link lifetime counted from the first access
// (here Config.ExpireAfterFirstAccess). Where it departs, it does so on
// purpose:
//   - The page is HTML5, not WML: phone browsers today render HTML, not
//     WML. It carries no script at all and allows none
//     (Content-Security-Policy).
//   - Audio and video are played by the browser's own controls; NowSMS
//     only links them.
//   - A part is shown in our origin only when a browser cannot take it for
//     a document (raster images, audio, video, plain text). Everything else
//     (HTML, SVG, XML and any unknown type) is only offered for download,
//     sandboxed, so that a sender cannot run script on our origin.
//   - Only recipients routed "wappush" or "weblink" have a page; an MM1
//     recipient's token, which its handset fetches the message with, opens
//     nothing here until the message is converted to a web link.
//   - The first GET of the page marks the recipient retrieved; HEAD and
//     fetches of single parts do not, because link checkers and previews
//     make them without a person reading anything.
//   - An unknown link is 404; a link whose message expired, failed or was
//     rejected, or whose lifetime after first access is over, is 410 Gone.
//     NowSMS removes such URLs; 410 tells the user why there is nothing.
package web
