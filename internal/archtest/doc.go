// Package archtest holds no code: its tests keep the layout of DESIGN.md
// honest. Imports point inward (the vocabulary imports nothing of ours, the
// core never imports an edge, edges never import each other) and every
// package says in a doc comment what it is and which spec it follows.
package archtest
