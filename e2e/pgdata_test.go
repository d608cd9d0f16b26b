package e2e

import (
	"fmt"
	"strconv"
	"testing"
)

// shopDB is the database the test backs up.
const shopDB = "shop"

// shopTables are the tables of shopDB, each with an integer primary key id.
var shopTables = []string{"customers", "orders", "events"}

// shopSchema creates shopDB's tables and loads 50,000 deterministic rows:
// 10,000 customers, 30,000 orders, 10,000 events, with text, numeric,
// timestamp and jsonb columns and foreign keys.
const shopSchema = `
CREATE TABLE customers (
	id         integer PRIMARY KEY,
	name       text NOT NULL,
	email      text NOT NULL UNIQUE,
	balance    numeric(12,2) NOT NULL,
	created_at timestamptz NOT NULL
);
INSERT INTO customers
SELECT i, 'customer ' || i, md5(i::text) || '@example.com', round((i * 7.31) % 10000, 2),
       timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute'
FROM generate_series(1, 10000) AS i;

CREATE TABLE orders (
	id          bigint PRIMARY KEY,
	customer_id integer NOT NULL REFERENCES customers,
	amount      numeric(12,2) NOT NULL,
	status      text NOT NULL,
	note        text
);
INSERT INTO orders
SELECT i, 1 + i % 10000, round((i * 3.17) % 5000, 2), (ARRAY['new', 'paid', 'shipped', 'returned'])[1 + i % 4],
       CASE WHEN i % 5 = 0 THEN NULL ELSE repeat(md5(i::text), 1 + i % 3) END
FROM generate_series(1, 30000) AS i;
CREATE INDEX orders_customer ON orders (customer_id);

CREATE TABLE events (
	id       bigint PRIMARY KEY,
	order_id bigint NOT NULL REFERENCES orders,
	kind     text NOT NULL,
	payload  jsonb NOT NULL,
	at       timestamptz NOT NULL
);
INSERT INTO events
SELECT i, 1 + i % 30000, (ARRAY['created', 'paid', 'shipped'])[1 + i % 3],
       jsonb_build_object('seq', i, 'tag', md5((i * 13)::text), 'ok', i % 7 <> 0),
       timestamptz '2024-02-01 00:00:00+00' + i * interval '1 second'
FROM generate_series(1, 10000) AS i;
ANALYZE;
`

// shopChanges changes every table of shopDB, after the backup.
const shopChanges = `
UPDATE orders SET amount = amount + 1, status = 'refunded' WHERE id % 10 = 0;
DELETE FROM events WHERE id <= 500;
INSERT INTO customers
SELECT i, 'late customer ' || i, 'late' || i || '@example.com', 0, now()
FROM generate_series(10001, 10100) AS i;
`

// fingerprint is, for each table, its row count and the md5 of its rows'
// text forms in id order: equal fingerprints mean equal data.
type fingerprint map[string]string

// loadShop creates shopDB on s and loads its data.
func loadShop(t *testing.T, s *pgServer) {
	t.Helper()
	s.psql(t, "postgres", "CREATE DATABASE "+shopDB)
	s.psql(t, shopDB, shopSchema)
}

// fingerprintOf returns the fingerprint of shopDB on s.
func fingerprintOf(t *testing.T, s *pgServer) fingerprint {
	t.Helper()
	fp := fingerprint{}
	for _, table := range shopTables {
		fp[table] = s.psql(t, shopDB, fmt.Sprintf(
			`SELECT count(*) || ' rows, md5 ' || md5(coalesce(string_agg(t::text, E'\n' ORDER BY t.id), '')) FROM %s AS t`, table))
	}
	return fp
}

// rows is the total row count of the fingerprint's tables.
func (fp fingerprint) rows() int {
	n := 0
	for _, v := range fp {
		var c int
		_, _ = fmt.Sscanf(v, "%d", &c)
		n += c
	}
	return n
}

// databaseSize returns the size of shopDB on s in bytes.
func databaseSize(t *testing.T, s *pgServer) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s.psql(t, "postgres", "SELECT pg_database_size('"+shopDB+"')"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
