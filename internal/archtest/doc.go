// Package archtest holds no code: its tests keep the layout of the README's
// flow (and DESIGN.md) honest. Imports point inward:
//
//   - the vocabulary (mms) imports nothing of ours, and the account and
//     routing words (vasp, route) only mms;
//   - the core (accept, delivery, queue, store) imports nothing but the
//     vocabulary and itself: no edge, no codec of an interface's wire form;
//     the queue imports only mms;
//   - the store is a leaf that only cmd/mmsc imports;
//   - an ingress or transport imports neither another edge nor the core;
//   - accepting and delivering meet only in the store;
//   - metrics knows only mms of ours, and only it imports Prometheus;
//     nothing but cmd/mmsc imports it: the measured packages declare the
//     observer interfaces they call.
//
// Every package says in a doc comment what it is and which spec it follows.
package archtest
