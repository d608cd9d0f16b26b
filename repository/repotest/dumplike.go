package repotest

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strconv"
)

// DumpLike returns a reader of n bytes that look like the output of
// pg_dump: a schema header, then COPY blocks of tab-separated rows (ids,
// e-mail addresses, timestamps, states, amounts, sentences from a fixed
// vocabulary), deterministic for a seed. zstd compresses it 3 to 6 times,
// like real dumps, unlike zeros or random bytes: tests and benchmarks of
// compression use it.
func DumpLike(seed uint64, n int64) io.Reader {
	return &dumpLike{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), remaining: n}
}

type dumpLike struct {
	rng       *rand.Rand
	remaining int64
	buf       bytes.Buffer
	row       int
}

func (d *dumpLike) Read(p []byte) (int, error) {
	if d.remaining <= 0 {
		return 0, io.EOF
	}
	for d.buf.Len() < len(p) && int64(d.buf.Len()) < d.remaining {
		d.writeRow()
	}
	if int64(len(p)) > d.remaining {
		p = p[:d.remaining]
	}
	n, _ := d.buf.Read(p)
	d.remaining -= int64(n)
	return n, nil
}

var (
	words = []string{"order", "shipped", "customer", "invoice", "pending", "refund", "warehouse",
		"express", "delivery", "address", "street", "payment", "card", "declined", "approved",
		"discount", "coupon", "priority", "backorder", "supplier", "returned", "damaged", "gift",
		"wrap", "note", "call", "before", "arrival", "leave", "at", "door", "the", "a", "and",
		"of", "to", "in", "for", "with", "on", "by", "blue", "large", "small", "set", "pack",
		"organic", "coffee", "tea", "book", "lamp", "chair", "desk", "cable", "phone", "case"}
	states = []string{"active", "inactive", "suspended", "pending_verification"}
	tables = []string{"customers", "orders", "order_items", "payments", "shipments"}
)

// writeRow appends one line: every 5,000 rows a new COPY block.
func (d *dumpLike) writeRow() {
	if d.row%5000 == 0 {
		t := tables[(d.row/5000)%len(tables)]
		if d.row > 0 {
			d.buf.WriteString("\\.\n\n")
		}
		d.buf.WriteString("--\n-- Data for Name: " + t + "; Type: TABLE DATA; Schema: public\n--\n\n")
		d.buf.WriteString("COPY public." + t + " (id, email, created_at, state, amount, note) FROM stdin;\n")
	}
	d.row++
	r := d.rng
	b := strconv.AppendInt(nil, int64(d.row), 10)
	b = append(b, "\tuser"...)
	b = strconv.AppendInt(b, int64(r.IntN(200000)), 10)
	b = append(b, "@example.com\t2024-"...)
	b = append(b, byte('0'+r.IntN(2)), byte('1'+r.IntN(9)), '-', byte('1'+r.IntN(2)), byte('0'+r.IntN(9)), ' ')
	b = strconv.AppendInt(b, int64(10+r.IntN(14)), 10)
	b = append(b, ':', byte('0'+r.IntN(6)), byte('0'+r.IntN(10)), ':', byte('0'+r.IntN(6)), byte('0'+r.IntN(10)))
	b = append(b, "+00\t"...)
	b = append(b, states[r.IntN(len(states))]...)
	b = append(b, '\t')
	b = strconv.AppendFloat(b, float64(r.IntN(10000000))/100, 'f', 2, 64)
	b = append(b, '\t')
	for i := range 3 + r.IntN(12) {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, words[r.IntN(len(words))]...)
	}
	d.buf.Write(append(b, '\n'))
}
