package litmus

import (
	"fmt"
	"strconv"
	"strings"
)

// tokKind is the class of a token.
type tokKind int

const (
	tEOF    tokKind = iota
	tIdent          // identifier or keyword: x, r0, P0, exists, READ_ONCE
	tInt            // unsigned integer literal (decimal, or hex with 0x)
	tString         // "..." (the doc string of the header)
	tPunct          // operator or punctuation; the text says which
	tError          // lexical error; the text is the message
)

// token is one lexical token.
type token struct {
	kind tokKind
	text string // identifier name, punctuation, string contents, or error message
	val  int64  // value of a tInt
	pos  Pos
}

// describe renders a token for an error message ("found ...").
func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tIdent:
		return fmt.Sprintf("identifier %q", t.text)
	case tInt:
		return fmt.Sprintf("integer %d", t.val)
	case tString:
		return "string"
	}
	return fmt.Sprintf("%q", t.text)
}

// puncts lists the multi-character punctuation, longest first, then the
// single characters. "/\" and "\/" are the conjunction and disjunction of
// the final condition; "=>" is implication. None of them can occur in
// valid C, so one lexer serves every section of the file.
var puncts = []string{
	"/\\", "\\/", "=>", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
	"(", ")", "{", "}", "[", "]", ";", ",", ":", "=", "+", "-", "*", "/",
	"%", "&", "|", "^", "!", "~", "<", ">",
}

// lexer turns source bytes into tokens on demand. It is a plain value:
// copying it saves the position, which the parser uses to peek ahead.
type lexer struct {
	src       []byte
	off       int
	line, col int
	// ocaml tells whether "(*" opens a comment. It is switched off inside
	// thread bodies, where "(*p)" is ordinary C (herd7 does the same).
	ocaml bool
}

func newLexer(src []byte) lexer {
	return lexer{src: src, line: 1, col: 1, ocaml: true}
}

func (l *lexer) pos() Pos { return Pos{Line: l.line, Col: l.col} }

// peekByte returns the byte k positions ahead, or 0 past the end.
func (l *lexer) peekByte(k int) byte {
	if l.off+k < len(l.src) {
		return l.src[l.off+k]
	}
	return 0
}

func (l *lexer) advance(n int) {
	for ; n > 0 && l.off < len(l.src); n-- {
		if l.src[l.off] == '\n' {
			l.line++
			l.col = 1
		} else {
			l.col++
		}
		l.off++
	}
}

func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'
}
func isLetter(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// skip passes over blanks and comments. It returns an error token for an
// unterminated comment and the zero token otherwise.
func (l *lexer) skip() token {
	for l.off < len(l.src) {
		c, start := l.src[l.off], l.pos()
		switch {
		case isBlank(c):
			l.advance(1)
		case c == '/' && l.peekByte(1) == '/':
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.advance(1)
			}
		case c == '/' && l.peekByte(1) == '*':
			l.advance(2)
			for !(l.peekByte(0) == '*' && l.peekByte(1) == '/') {
				if l.off >= len(l.src) {
					return token{kind: tError, pos: start, text: "unterminated /* comment"}
				}
				l.advance(1)
			}
			l.advance(2)
		case l.ocaml && c == '(' && l.peekByte(1) == '*':
			l.advance(2)
			for depth := 1; depth > 0; {
				switch {
				case l.off >= len(l.src):
					return token{kind: tError, pos: start, text: "unterminated (* comment"}
				case l.peekByte(0) == '(' && l.peekByte(1) == '*':
					depth++
					l.advance(2)
				case l.peekByte(0) == '*' && l.peekByte(1) == ')':
					depth--
					l.advance(2)
				default:
					l.advance(1)
				}
			}
		default:
			return token{}
		}
	}
	return token{}
}

// next scans the next token.
func (l *lexer) next() token {
	if t := l.skip(); t.kind == tError {
		return t
	}
	pos := l.pos()
	if l.off >= len(l.src) {
		return token{kind: tEOF, pos: pos}
	}
	c := l.src[l.off]
	switch {
	case isLetter(c):
		start := l.off
		for l.off < len(l.src) && (isLetter(l.src[l.off]) || isDigit(l.src[l.off])) {
			l.advance(1)
		}
		return token{kind: tIdent, text: string(l.src[start:l.off]), pos: pos}
	case isDigit(c):
		start := l.off
		for l.off < len(l.src) && (isLetter(l.src[l.off]) || isDigit(l.src[l.off])) {
			l.advance(1)
		}
		text := string(l.src[start:l.off])
		v, msg := parseInt(text)
		if msg != "" {
			return token{kind: tError, pos: pos, text: msg}
		}
		return token{kind: tInt, text: text, val: v, pos: pos}
	case c == '"':
		l.advance(1)
		start := l.off
		for l.off < len(l.src) && l.src[l.off] != '"' {
			l.advance(1)
		}
		if l.off >= len(l.src) {
			return token{kind: tError, pos: pos, text: "unterminated string"}
		}
		text := string(l.src[start:l.off])
		l.advance(1)
		return token{kind: tString, text: text, pos: pos}
	}
	for _, p := range puncts {
		if l.off+len(p) <= len(l.src) && string(l.src[l.off:l.off+len(p)]) == p {
			l.advance(len(p))
			return token{kind: tPunct, text: p, pos: pos}
		}
	}
	return token{kind: tError, pos: pos, text: fmt.Sprintf("unexpected character %q", rune(c))}
}

// parseInt converts a literal: decimal, or hexadecimal with 0x. It returns
// an error message instead of an error so the lexer can wrap it.
func parseInt(text string) (int64, string) {
	digits, base := text, 10
	if len(text) > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') {
		digits, base = text[2:], 16
	} else if len(text) > 1 && text[0] == '0' && isDigit(text[1]) {
		return 0, fmt.Sprintf("octal literal %s not supported", text)
	}
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if !(isDigit(c) || base == 16 && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
			return 0, fmt.Sprintf("malformed number %q", text)
		}
	}
	v, err := strconv.ParseInt(digits, base, 64)
	if err != nil {
		return 0, fmt.Sprintf("integer literal %s out of range", text)
	}
	return v, ""
}

// isNameChar reports whether c may appear in a test name. Names such as
// "Z6.0+pooncelock+poonceLock+pombonce" use more than identifier characters.
func isNameChar(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '.' || c == '-' || c == '+' ||
		c == '/' || c == '[' || c == ']'
}

// testName scans the test name, which follows the architecture on the
// same line: "C MP+poonceonces".
func (l *lexer) testName() (string, Pos) {
	for l.off < len(l.src) && (l.src[l.off] == ' ' || l.src[l.off] == '\t') {
		l.advance(1)
	}
	pos, start := l.pos(), l.off
	for l.off < len(l.src) && isNameChar(l.src[l.off]) {
		l.advance(1)
	}
	return string(l.src[start:l.off]), pos
}

// infoValue scans the rest of a header line "Key = value" after the key:
// the '=' and the raw text up to the end of the line, trimmed.
func (l *lexer) infoValue() string {
	for l.off < len(l.src) && (l.src[l.off] == ' ' || l.src[l.off] == '\t') {
		l.advance(1)
	}
	if l.peekByte(0) == '=' {
		l.advance(1)
	}
	start := l.off
	for l.off < len(l.src) && l.src[l.off] != '\n' {
		l.advance(1)
	}
	end := l.off
	for end > start && isBlank(l.src[end-1]) {
		end--
	}
	for start < end && isBlank(l.src[start]) {
		start++
	}
	return string(l.src[start:end])
}

// threadNum returns n for a token "Pn", or -1.
func threadNum(t token) int {
	if t.kind != tIdent || len(t.text) < 2 || t.text[0] != 'P' || len(t.text) > 7 {
		return -1
	}
	n, err := strconv.Atoi(t.text[1:])
	if err != nil || n < 0 || t.text[1] == '+' {
		return -1
	}
	return n
}

// typeWords are the C type names recognised at the start of a declaration
// or in a cast; any identifier ending in "_t" is also a type name.
var typeWords = map[string]bool{
	"void": true, "char": true, "short": true, "int": true, "long": true,
	"unsigned": true, "signed": true, "bool": true, "_Bool": true,
	"const": true, "volatile": true, "u8": true, "u16": true, "u32": true,
	"u64": true, "s8": true, "s16": true, "s32": true, "s64": true,
}

func isTypeWord(t token) bool {
	return t.kind == tIdent && (typeWords[t.text] || strings.HasSuffix(t.text, "_t"))
}
