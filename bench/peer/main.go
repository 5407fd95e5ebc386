// Command peer: a benchmark peer, test-only (issue 14, item 4).  The
// seed gateway's stack - Go's net/http serving HTTP itself, SQLite
// through database/sql and mattn/go-sqlite3 - answering the list
// endpoint of wagw's database with the same page as wagw:
//
//	GET /api/v1/sessions/{session}/contacts[?limit=N][&cursor=C]
//
// with an API key (Authorization: Bearer, or x-api-key) checked the way
// wagw checks it (prefix lookup, SHA-256 of the secret, read permission,
// not revoked or expired, the session in the key's organization), one
// read transaction per request, statements prepared once, and wagw's
// cursors (HMAC-SHA256 with the database's cursor key).  Nothing else:
// no filters, no JWTs, no other routes.  bench/run builds it offline
// from Debian's packages (golang-go, golang-github-mattn-go-sqlite3-dev;
// GOPATH mode against /usr/share/gocode) and runs it beside wagw.
//
//	peer -db wagw.db -listen 127.0.0.1:8090
package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"strconv"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

const (
	secretLen   = 46 // "wa_" + 43, as src/common/apikey.h
	prefixLen   = 11
	capRead     = 1
	limitMax    = 200
	limitDef    = 50
	cursorLabel = "wagw list cursor"
)

// The list's first shape of src/common/store_sql.c: no filters.
const listSQL = `SELECT c.id, c.lid, c.phone, c.push_name, c.business_name,
 EXISTS (SELECT 1 FROM direct_chats d2 WHERE d2.contact = c.id)
 FROM contacts c WHERE c.session = ?1 AND c.id > ?2 ORDER BY c.id LIMIT ?3`

type peer struct {
	db                 *sql.DB
	key, session, list *sql.Stmt
	cursorKey          []byte
}

type item struct {
	Lid          string `json:"lid"`
	Source       string `json:"source"`
	Name         string `json:"name,omitempty"`
	PhoneNumber  string `json:"phoneNumber,omitempty"`
	BusinessName string `json:"businessName,omitempty"`
}

type page struct {
	Data       []item `json:"data"`
	NextCursor string `json:"nextCursor"`
}

func fail(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]map[string]string{"error": {"code": code}})
}

func (p *peer) tag(session string, body []byte) []byte {
	m := hmac.New(sha256.New, p.cursorKey)
	m.Write([]byte(cursorLabel + "\x00" + session + "\x00"))
	m.Write(body)
	return m.Sum(nil)[:16]
}

func (p *peer) encodeCursor(session string, after int64) string {
	raw := make([]byte, 9, 25)
	raw[0] = 1
	binary.BigEndian.PutUint64(raw[1:], uint64(after))
	return base64.RawURLEncoding.EncodeToString(append(raw, p.tag(session, raw)...))
}

func (p *peer) decodeCursor(session, s string) (int64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) != 25 || raw[0] != 1 ||
		!hmac.Equal(p.tag(session, raw[:9]), raw[9:]) {
		return 0, false
	}
	after := int64(binary.BigEndian.Uint64(raw[1:9]))
	return after, after > 0
}

func credential(r *http.Request) string {
	if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
		return a[7:]
	}
	return r.Header.Get("X-Api-Key")
}

func (p *peer) contacts(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/api/v1/sessions/")
	sid, tail, _ := strings.Cut(rest, "/")
	if r.Method != http.MethodGet || tail != "contacts" || sid == "" {
		fail(w, http.StatusNotFound, "not_found")
		return
	}
	secret := credential(r)
	if len(secret) != secretLen || !strings.HasPrefix(secret, "wa_") {
		fail(w, http.StatusUnauthorized, "unauthorized")
		return
	}
	q := r.URL.Query()
	limit := limitDef
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fail(w, http.StatusBadRequest, "invalid_request")
			return
		}
		if n > limitMax {
			n = limitMax
		} else if n < 1 {
			n = 1
		}
		limit = n
	}
	var after int64
	if v := q.Get("cursor"); v != "" {
		var ok bool
		if after, ok = p.decodeCursor(sid, v); !ok {
			fail(w, http.StatusBadRequest, "invalid_request")
			return
		}
	}

	ctx := r.Context()
	tx, err := p.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		fail(w, http.StatusServiceUnavailable, "gateway_unavailable")
		return
	}
	defer tx.Rollback()
	var org string
	var hash []byte
	var perms int
	var expires, revoked sql.NullInt64
	err = tx.StmtContext(ctx, p.key).QueryRowContext(ctx, secret[:prefixLen]).
		Scan(&org, &hash, &perms, &expires, &revoked)
	sum := sha256.Sum256([]byte(secret))
	now := time.Now().UnixMilli()
	if err != nil || subtle.ConstantTimeCompare(sum[:], hash) != 1 || revoked.Valid ||
		(expires.Valid && expires.Int64 <= now) {
		fail(w, http.StatusUnauthorized, "unauthorized")
		return
	}
	if perms&capRead == 0 {
		fail(w, http.StatusForbidden, "forbidden")
		return
	}
	var rowid int64
	var sorg string
	err = tx.StmtContext(ctx, p.session).QueryRowContext(ctx, sid).Scan(&rowid, &sorg)
	if err != nil || sorg != org {
		fail(w, http.StatusNotFound, "session_not_found")
		return
	}
	rows, err := tx.StmtContext(ctx, p.list).QueryContext(ctx, rowid, after, limit+1)
	if err != nil {
		fail(w, http.StatusInternalServerError, "internal")
		return
	}
	defer rows.Close()
	pg := page{Data: make([]item, 0, limit)}
	var last int64
	more := false
	for rows.Next() {
		if len(pg.Data) == limit {
			more = true
			break
		}
		var id int64
		var lid string
		var phone, name, biz sql.NullString
		var dm bool
		if err := rows.Scan(&id, &lid, &phone, &name, &biz, &dm); err != nil {
			fail(w, http.StatusInternalServerError, "internal")
			return
		}
		it := item{Lid: lid + "@lid", Source: "group", Name: name.String,
			PhoneNumber: phone.String, BusinessName: biz.String}
		if dm {
			it.Source = "dm"
		}
		pg.Data = append(pg.Data, it)
		last = id
	}
	if err := rows.Err(); err != nil {
		fail(w, http.StatusInternalServerError, "internal")
		return
	}
	if more {
		pg.NextCursor = p.encodeCursor(sid, last)
	}
	body, err := json.Marshal(pg)
	if err != nil {
		fail(w, http.StatusInternalServerError, "internal")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

func main() {
	dbPath := flag.String("db", "", "wagw's database")
	listen := flag.String("listen", "127.0.0.1:8090", "address")
	conns := flag.Int("conns", 4, "SQLite connections")
	flag.Parse()
	db, err := sql.Open("sqlite3", "file:"+*dbPath+"?mode=ro&_busy_timeout=1000")
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(*conns)
	db.SetMaxIdleConns(*conns)
	p := &peer{db: db}
	ctx := context.Background()
	if err := db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'cursor_key'").
		Scan(&p.cursorKey); err != nil {
		log.Fatal("cursor key: ", err)
	}
	prep := func(q string) *sql.Stmt {
		s, err := db.PrepareContext(ctx, q)
		if err != nil {
			log.Fatal(err)
		}
		return s
	}
	p.key = prep("SELECT org_id, secret_hash, permissions, expires_ms, revoked_ms" +
		" FROM api_keys WHERE prefix = ?1")
	p.session = prep("SELECT sid, org_id FROM sessions WHERE id = ?1")
	p.list = prep(listSQL)
	http.HandleFunc("/api/v1/sessions/", p.contacts)
	log.Fatal(http.ListenAndServe(*listen, nil))
}
