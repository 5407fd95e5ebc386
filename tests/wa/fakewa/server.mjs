// The fake WhatsApp: listeners, state (linked devices, offline queues,
// the phones' keys), the event log tests read, and the parts of the
// protocol that span connections (pairing, delivery, acks).
import http from 'node:http';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { WebSocketServer } from 'ws';
import { Curve } from 'baileys';
import { makeKeys, keysToJSON } from './noise.mjs';
import { makeAccount, accountToJSON, parseQR, pairSuccess, checkPairSign, primaryHello, primaryFinish, normaliseCode, verify } from './phone.mjs';
import { Directory } from './directory.mjs';
import { Faults } from './faults.mjs';
import { Conn } from './conn.mjs';
import { buildPush } from './pushes.mjs';
import { SERVER, now, child, children, kids, bytes, toJSON, fromJSON, pnJid, parseJid, iqResult, iqError } from './wire.mjs';

export const DEFAULTS = {
	host: '127.0.0.1', port: 0, plainPort: -1, cert: undefined, key: undefined,
	qrRefs: 6, handshakeTimeoutMs: 20000, iqReplyTimeoutMs: 20000, registrationTimeoutMs: 0,
	serverPingMs: 0, idleTimeoutMs: 0, latencyMs: 0, minVersion: 0, compressMin: 0, redeliver: true, maxEvents: 50000,
};

export class FakeWA {
	constructor(opts = {}) {
		this.opts = { ...DEFAULTS, ...opts };
		this.events = []; this.seq = 0; this.waiters = new Set();
		this.conns = new Map(); this.connSeq = 0; this.iqSeq = 0; this.iqPrefix = randomBytes(2).readUInt16BE();
		this.faults = new Faults();
		this.pending = new Map();
		this.devices = new Map(); this.accounts = new Map(); this.offline = new Map();
		this.dir = new Directory(opts.fixtures || {});
		const saved = this.opts.stateFile && existsSync(this.opts.stateFile) ? JSON.parse(readFileSync(this.opts.stateFile, 'utf8')) : undefined;
		this.keys = makeKeys(saved?.keys);
		if (this.opts.rootKey) this.keys.root = this.opts.rootKey;
		for (const [phone, a] of Object.entries(saved?.accounts || {})) this.accounts.set(phone, makeAccount(phone, {}, a));
		for (const d of saved?.devices || []) this.devices.set(d.jid, d);
		for (const [jid, q] of Object.entries(saved?.offline || {})) this.offline.set(jid, q.map(fromJSON));
		this.listening = false;
		this.persist();
	}

	// ---- listeners ----
	async start() {
		if (this.listening) return this.ports();
		this.servers = [];
		const mk = async (srv, port, transport) => {
			const wss = new WebSocketServer({ server: srv, perMessageDeflate: false, maxPayload: 32 << 20 });
			wss.on('connection', (ws, req) => { const c = new Conn(this, ws, req, transport); this.conns.set(c.id, c); });
			await new Promise((res, rej) => { srv.once('error', rej); srv.listen(port, this.opts.host, res); });
			this.servers.push({ srv, wss });
			return srv.address().port;
		};
		if (this.opts.cert) {
			this.opts.port = await mk(https.createServer({ cert: readFileSync(this.opts.cert), key: readFileSync(this.opts.key) }), this.opts.port, 'tls');
		}
		if (this.opts.plainPort >= 0) this.opts.plainPort = await mk(http.createServer(), this.opts.plainPort, 'plain');
		this.listening = true;
		this.log('listening', this.ports());
		return this.ports();
	}
	ports() { return { tls: this.opts.cert ? this.opts.port : undefined, plain: this.opts.plainPort >= 0 ? this.opts.plainPort : undefined, host: this.opts.host }; }
	// Stops listening and drops every connection (as a server going away
	// does: no close frames); state is kept for start().
	async stop() {
		if (!this.listening) return;
		this.listening = false;
		for (const c of [...this.conns.values()]) c.abort('server stopped');
		await Promise.all(this.servers.map(({ srv, wss }) => new Promise((res) => { wss.close(); srv.closeAllConnections?.(); srv.close(() => res()); })));
		this.log('stopped', {});
	}
	async restart(downMs = 0) { await this.stop(); if (downMs) await new Promise((r) => setTimeout(r, downMs)); return this.start(); }

	// ---- state ----
	account(phone) {
		if (!/^[1-9]\d{6,14}$/.test(String(phone))) throw new Error(`"${phone}" is not an E.164 phone number (digits only)`);
		if (!this.accounts.has(phone)) { this.accounts.set(phone, makeAccount(phone, this.dir.account(phone))); this.persist(); }
		return this.accounts.get(phone);
	}
	defaultPhone() { return Object.keys(this.dir.fx.accounts)[0] || '15550000001'; }
	devicesOf(phone) { return [...this.devices.values()].filter((d) => d.phone === phone && !d.removed); }
	connsOf(jid) { return [...this.conns.values()].filter((c) => c.open && c.jid === jid); }
	liveConn(jid) { return this.connsOf(jid).at(-1); }
	persist() {
		const f = this.opts.stateFile;
		if (!f) return;
		const s = { version: 1, keys: keysToJSON(this.keys), accounts: Object.fromEntries([...this.accounts].map(([p, a]) => [p, accountToJSON(a)])),
			devices: [...this.devices.values()], offline: Object.fromEntries([...this.offline].map(([j, q]) => [j, q.map(toJSON)])) };
		writeFileSync(f + '.tmp', JSON.stringify(s, null, 1));
		renameSync(f + '.tmp', f);
	}
	nextConnId() { return `c${++this.connSeq}`; }
	nextIqId() { return `${this.iqPrefix}.${++this.iqSeq}`; }
	nextStanzaId() { return '3EB0' + randomBytes(9).toString('hex').toUpperCase(); }

	// ---- the event log ----
	log(kind, data) {
		const ev = { seq: ++this.seq, t: Date.now(), kind, ...data };
		this.events.push(ev);
		if (this.events.length > this.opts.maxEvents) this.events.splice(0, this.events.length - this.opts.maxEvents);
		if (this.opts.verbose) process.stderr.write(`fakewa ${kind} ${JSON.stringify(data).slice(0, 300)}\n`);
		for (const w of this.waiters) if (w.match(ev)) { this.waiters.delete(w); w.resolve(ev); }
		return ev;
	}
	// A client behaviour WhatsApp would not accept (or that deviates from
	// what WhatsApp's own clients do); `code` names the known ones.
	problem(conn, what, code) { this.log('problem', { conn: conn?.id, jid: conn?.jid, what, code }); }
	note(conn, what) { this.log('note', { conn: conn?.id, jid: conn?.jid, what }); }
	// Resolves with the first event (seq > since) that `match` accepts.
	wait(match, since = 0, timeoutMs = 10000) {
		const hit = this.events.find((e) => e.seq > since && match(e));
		if (hit) return Promise.resolve(hit);
		return new Promise((resolve) => {
			const w = { match: (e) => e.seq > since && match(e), resolve };
			this.waiters.add(w);
			setTimeout(() => { if (this.waiters.delete(w)) resolve(undefined); }, timeoutMs);
		});
	}
	closed(conn, why) {
		this.conns.delete(conn.id);
		this.log('close', { conn: conn.id, jid: conn.jid, kind: conn.kind, why });
		for (const [k, p] of this.pending) {
			if (p.conn !== conn.id) continue;
			this.pending.delete(k);
			if (p.receipt) continue;
			this.log('unacked', { conn: conn.id, jid: p.jid, class: p.class, id: p.id, type: p.type });
			if (this.opts.redeliver && p.jid) {
				const { offline, ...attrs } = p.node.attrs;
				this.queue(p.jid, { ...p.node, attrs });
			}
		}
		conn.code?.resolve?.({ ok: false, problems: [`connection closed: ${why}`] });
	}

	// ---- acks (L5) ----
	expectAck(conn, node) {
		const a = node.attrs;
		this.pending.set(`${node.tag}:${a.id}`, { class: node.tag, id: a.id, from: a.from, participant: a.participant, recipient: a.recipient,
			type: a.type, jid: conn.jid, conn: conn.id, t: Date.now(), node });
	}
	onAck(conn, ack) {
		const a = ack.attrs, key = `${a.class}:${a.id}`, p = this.pending.get(key);
		if (!p) return this.problem(conn, `ack class=${a.class} id=${a.id} for nothing the server sent`);
		this.pending.delete(key);
		const problems = [];
		if (a.to !== p.from) problems.push(`to="${a.to}", want the stanza's from "${p.from}"`);
		if (p.participant && a.participant !== p.participant) problems.push(`participant="${a.participant}", want "${p.participant}"`);
		if (p.recipient && a.recipient !== p.recipient) problems.push(`recipient="${a.recipient}", want "${p.recipient}"`);
		if (a.type !== undefined && p.type !== undefined && a.type !== p.type) problems.push(`type="${a.type}", want "${p.type}"`);
		if (p.class !== 'message' && p.type !== undefined && a.type === undefined) this.note(conn, `ack for ${p.class} ${p.id} without type="${p.type}" (whatsmeow sends it)`);
		for (const x of problems) this.problem(conn, `ack ${p.class} ${p.id}: ${x}`);
		this.log('ack', { conn: conn.id, jid: conn.jid, class: p.class, id: p.id, type: p.type, error: a.error, ok: !problems.length, ms: Date.now() - p.t });
	}
	onReceipt(conn, r) {
		const p = this.pending.get(`message:${r.attrs.id}`);
		if (p) p.receipt = r.attrs.type || 'delivery';
		this.log('receipt', { conn: conn.id, jid: conn.jid, id: r.attrs.id, type: r.attrs.type, to: r.attrs.to, forOurs: !!p });
	}

	// ---- delivery and the offline queue (L5) ----
	queue(jid, node) {
		if (!this.offline.has(jid)) this.offline.set(jid, []);
		this.offline.get(jid).push(node);
		this.persist();
	}
	// Live to an active login connection, else into the offline queue.
	deliver(jid, node, offline) {
		const c = this.liveConn(jid);
		if (!offline && c?.active) { c.send(node); return 'sent'; }
		this.queue(jid, node);
		return 'queued';
	}
	flushOffline(conn) {
		if (!conn.open || conn.flushed) return;
		conn.flushed = true;
		const q = this.offline.get(conn.jid) || [];
		this.offline.delete(conn.jid);
		if (q.length) {
			const n = (t) => String(q.filter((x) => x.tag === t).length);
			conn.send({ tag: 'ib', attrs: {}, content: [{ tag: 'offline_preview', attrs: { count: String(q.length), appdata: '0', message: n('message'),
				notification: n('notification'), receipt: n('receipt'), call: n('call') } }] });
			for (const node of q) conn.send({ ...node, attrs: { ...node.attrs, offline: '0' } });
		}
		conn.send({ tag: 'ib', attrs: {}, content: [{ tag: 'offline', attrs: { count: String(q.length) } }] });
		this.persist();
		this.log('offline-flushed', { conn: conn.id, jid: conn.jid, count: q.length });
	}
	// Control-channel push: builds the stanza, fans it out to the target
	// devices.  `to` = a device JID or an account's phone (all its devices).
	push(req) {
		let targets;
		if (req.to && parseJid(req.to)) targets = [req.to];
		else if (req.to) targets = this.devicesOf(String(req.to).replace(/^\+/, '')).map((d) => d.jid);
		else { const all = [...this.devices.values()].filter((d) => !d.removed); targets = all.length === 1 ? [all[0].jid] : []; }
		if (!targets.length) throw new Error('push: no target device ("to": a device JID or an account phone)');
		const node = buildPush(this, req, this.devices.get(targets[0]));
		const out = targets.map((jid) => ({ jid, result: this.deliver(jid, structuredClone(node), !!req.offline) }));
		this.log('pushed', { id: node.attrs.id, tag: node.tag, type: node.attrs.type, targets: out });
		return { id: node.attrs.id, node: toJSON(node), targets: out };
	}

	// ---- pairing (L7-L9) ----
	// Sends pair-success for `companion` = {identityPub, advSecret} and
	// checks the pair-device-sign; on success links the device and sends
	// 515.  Resolves to {ok, jid, lid, ...} or {ok:false, problems}.
	pair(conn, phone, companion, method) {
		if (conn.pairing) return Promise.resolve({ ok: false, problems: ['this registration is already pairing'] });
		conn.pairing = true;
		const account = this.account(phone), who = this.dir.account(phone);
		const { node, expect } = pairSuccess(account, who, companion, this.nextIqId());
		this.persist();
		return new Promise((resolve) => {
			conn.ask(node, this.opts.iqReplyTimeoutMs, (r) => {
				const problems = checkPairSign(r, expect);
				if (problems.length) {
					for (const x of problems) this.problem(conn, `pair-device-sign: ${x}`);
					this.log('pair-failed', { conn: conn.id, phone, method, problems });
					conn.drop('pairing failed');
					return resolve({ ok: false, problems });
				}
				const d = { jid: expect.jid, lid: expect.lid, phone, device: expect.device, keyIndex: expect.keyIndex, method,
					platform: who.platform, noisePub: conn.noisePub.toString('hex'), identityPub: conn.reg.identityPub.toString('hex'),
					regId: conn.reg.regId, spk: { id: conn.reg.spk.id, pub: conn.reg.spk.pub.toString('hex'), sig: conn.reg.spk.sig.toString('hex') },
					prekeys: {}, pairedAt: now(), removed: false };
				this.devices.set(d.jid, d);
				this.persist();
				this.log('paired', { conn: conn.id, jid: d.jid, lid: d.lid, method, keyIndex: d.keyIndex });
				conn.streamError(515);
				resolve({ ok: true, jid: d.jid, lid: d.lid, device: d.device, keyIndex: d.keyIndex });
			}, (why) => {
				const what = why === 'timeout' ? 'pair-success was never answered' : 'the companion hung up on pair-success';
				this.log('pair-failed', { conn: conn.id, phone, method, problems: [what] });
				conn.drop(what);
				resolve({ ok: false, problems: [what] });
			});
		});
	}
	registrations() { return [...this.conns.values()].filter((c) => c.open && c.kind === 'registration'); }
	// The phone scans the QR text the companion shows.
	async scan({ qr, phone = this.defaultPhone() }) {
		const q = parseQR(qr);
		const conn = this.registrations().find((c) => c.noisePub.equals(q.noisePub));
		if (!conn) throw new Error('no registration connection has the Noise key in this QR');
		if (!conn.reg.refs.includes(q.ref)) throw new Error('the QR ref was not issued to that connection');
		if (!q.identityPub.equals(conn.reg.identityPub)) throw new Error('the QR identity key differs from the registration payload\'s');
		this.log('scan', { conn: conn.id, phone, form: q.form, clientType: q.clientType, refIndex: conn.reg.refs.indexOf(q.ref) });
		if (q.form === 'legacy') this.note(conn, 'QR text in the old 4-field form (current WhatsApp clients show https://wa.me/settings/linked_devices#...,clientType)');
		return this.pair(conn, phone, { identityPub: q.identityPub, advSecret: q.advSecret }, 'qr');
	}
	// The user types the code shown by the companion into the phone.
	async enterCode({ phone = this.defaultPhone(), code }) {
		const c = normaliseCode(code);
		const conn = this.registrations().filter((x) => x.code?.phone === phone && !x.code.primary).at(-1);
		if (!conn) throw new Error(`no registration connection asked for a code for ${phone}`);
		const account = this.account(phone);
		const h = await primaryHello(c, conn.code.wrapped);
		conn.code.primary = h;
		const done = new Promise((resolve) => { conn.code.resolve = resolve; });
		conn.send({ tag: 'notification', attrs: { from: SERVER, type: 'link_code_companion_reg', id: this.nextStanzaId(), t: String(now()) },
			content: [{ tag: 'link_code_companion_reg', attrs: {}, content: [
				{ tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(conn.code.ref) },
				{ tag: 'primary_identity_pub', attrs: {}, content: account.identity.public },
				{ tag: 'link_code_pairing_wrapped_primary_ephemeral_pub', attrs: {}, content: h.wrapped },
			] }] });
		this.log('code-entered', { conn: conn.id, phone });
		const t = setTimeout(() => conn.code.resolve({ ok: false, problems: ['companion_finish never came'] }), this.opts.iqReplyTimeoutMs);
		const r = await done;
		clearTimeout(t);
		return r;
	}
	async codeFinish(conn, iq, bundle, cid) {
		let k;
		try { k = await primaryFinish(conn.code.primary, this.account(conn.code.phone), bundle, cid); } catch (e) {
			this.problem(conn, `companion_finish: ${e.message}`);
			conn.send(iqError(iq, 400, 'bad-request'));
			return conn.code.resolve?.({ ok: false, problems: [e.message] });
		}
		conn.send(iqResult(iq));
		// Not awaited: the pair-device-sign arrives on this same stanza queue.
		this.pair(conn, conn.code.phone, k, 'code').then((r) => conn.code.resolve?.(r));
	}
	removeDevice(jid) {
		const d = this.devices.get(jid);
		if (!d) throw new Error(`no device ${jid}`);
		d.removed = true;
		this.persist();
		for (const c of this.connsOf(jid)) c.streamError(401, 'device_removed');
		this.log('device-removed', { jid });
	}

	// ---- IQs of a logged-in device (L6, L11-L13 and Baileys' init queries) ----
	handleIq(conn, iq) {
		const { xmlns, type } = iq.attrs, dev = conn.device;
		const first = kids(iq)[0]?.tag;
		switch (`${xmlns} ${type}`) {
		case 'encrypt get':
			if (first === 'count') return iqResult(iq, [{ tag: 'count', attrs: { value: String(Object.keys(dev.prekeys).length) } }]);
			if (first === 'key') return this.prekeyBundles(conn, iq);
			return iqError(iq, 400, 'bad-request');
		case 'encrypt set': return this.uploadPrekeys(conn, iq, dev);
		case 'passive set':
			if (first === 'active') { conn.active = true; this.log('active', { conn: conn.id, jid: conn.jid }); setImmediate(() => this.flushOffline(conn)); } else if (first === 'passive') conn.active = false;
			else return iqError(iq, 400, 'bad-request');
			return iqResult(iq);
		case 'usync get': {
			const errs = {};
			for (let f; (f = this.faults.take(['usync-error'], { device: conn.jid, conn: conn.id, mode: 'login' }));) errs[f.protocol || 'contact'] = f;
			const { reply, notes } = this.dir.usync(iq, dev.phone, (p) => this.devicesOf(p), errs);
			for (const n of notes) this.note(conn, n);
			return reply;
		}
		case 'w:g2 get': return this.dir.groups(iq, dev.phone);
		case 'md set': {
			const rm = child(iq, 'remove-companion-device');
			if (!rm) return iqError(iq, 400, 'bad-request');
			const d = this.devices.get(rm.attrs.jid);
			if (!d || d.phone !== dev.phone) return iqError(iq, 404, 'item-not-found');
			d.removed = true; this.persist();
			this.log('logout', { conn: conn.id, jid: rm.attrs.jid, reason: rm.attrs.reason });
			return iqResult(iq);
		}
		case 'w get':
			return iqResult(iq, [{ tag: 'props', attrs: { protocol: '2', hash: 'fakewa1' }, content: [
				{ tag: 'prop', attrs: { config_code: '1', config_value: '1' } }] }]);
		case 'blocklist get': return iqResult(iq, [{ tag: 'list', attrs: {} }]);
		case 'privacy get':
			return iqResult(iq, [{ tag: 'privacy', attrs: {}, content: ['last', 'online', 'profile', 'status', 'readreceipts', 'groupadd', 'calladd']
				.map((name) => ({ tag: 'category', attrs: { name, value: name === 'readreceipts' ? 'all' : 'contacts' } })) }]);
		case 'privacy set': return iqResult(iq);
		case 'urn:xmpp:whatsapp:dirty set': return iqResult(iq);
		case 'w:stats set': case 'w:stats get': case 'w:stats undefined': return iqResult(iq);
		case 'w:profile:picture get': return iqError(iq, 404, 'item-not-found');
		default:
			this.note(conn, `unmodelled iq xmlns=${xmlns} type=${type} <${first}>: answered 501`);
			return iqError(iq, 501, 'feature-not-implemented');
		}
	}
	// <registration><type><identity><list><key>...</key></list><skey>.
	uploadPrekeys(conn, iq, dev) {
		const p = [];
		const reg = bytes(child(iq, 'registration')), typ = bytes(child(iq, 'type')), ident = bytes(child(iq, 'identity'));
		if (reg?.length !== 4) p.push('registration is not 4 bytes');
		else if (reg.readUInt32BE() !== dev.regId) p.push(`registration id ${reg.readUInt32BE()} differs from the registration payload's ${dev.regId}`);
		if (!typ?.equals(Buffer.from([5]))) p.push('type is not 05');
		if (!ident?.equals(Buffer.from(dev.identityPub, 'hex'))) p.push('identity differs from the paired identity key');
		const keys = children(child(iq, 'list'), 'key');
		if (!keys.length) p.push('no <list><key> prekeys');
		const seen = {};
		for (const k of keys) {
			const id = bytes(child(k, 'id')), v = bytes(child(k, 'value'));
			if (id?.length !== 3 || v?.length !== 32) { p.push('a prekey without a 3-byte id and a 32-byte value'); break; }
			seen[id.readUIntBE(0, 3)] = v.toString('hex');
		}
		if (Object.keys(seen).length !== keys.length) p.push('duplicate prekey ids');
		const sk = child(iq, 'skey');
		const skId = bytes(child(sk, 'id')), skV = bytes(child(sk, 'value')), skS = bytes(child(sk, 'signature'));
		if (skId?.length !== 3 || skV?.length !== 32) p.push('skey without a 3-byte id and a 32-byte value');
		else if (!verify(Buffer.from(dev.identityPub, 'hex'), Buffer.concat([Buffer.from([5]), skV]), skS)) p.push('skey signature does not verify over 05 || value');
		this.log('prekeys', { conn: conn.id, jid: dev.jid, count: keys.length, ok: !p.length, problems: p });
		if (p.length) { for (const x of p) this.problem(conn, `prekey upload: ${x}`); return iqError(iq, 400, 'bad-request'); }
		Object.assign(dev.prekeys, seen);
		dev.spk = { id: skId.readUIntBE(0, 3), pub: skV.toString('hex'), sig: skS.toString('hex') };
		this.persist();
		return iqResult(iq);
	}
	// Key bundles for other users' devices: the fixture phones' primaries
	// get keys made up on first use; linked devices give their uploaded
	// ones (one prekey consumed per fetch).
	prekeyBundles(conn, iq) {
		const users = children(child(iq, 'key'), 'user').map((u) => {
			const jid = u.attrs.jid, j = parseJid(jid);
			const k = this.bundleFor(j);
			if (!k) return { tag: 'user', attrs: { jid }, content: [{ tag: 'error', attrs: { code: '404', text: 'item-not-found' } }] };
			const b = (tag, v) => ({ tag, attrs: {}, content: v });
			const be = (n, len) => { const x = Buffer.alloc(len); x.writeUIntBE(n, 0, len); return x; };
			const c = [b('registration', be(k.regId, 4)), b('type', Buffer.from([5])), b('identity', k.identity),
				{ tag: 'skey', attrs: {}, content: [b('id', be(k.spk.id, 3)), b('value', k.spk.pub), b('signature', k.spk.sig)] }];
			if (k.prekey) c.push({ tag: 'key', attrs: {}, content: [b('id', be(k.prekey.id, 3)), b('value', k.prekey.pub)] });
			return { tag: 'user', attrs: { jid }, content: c };
		});
		return iqResult(iq, [{ tag: 'list', attrs: {}, content: users }]);
	}
	bundleFor(j) {
		if (!j) return undefined;
		const phone = j.server === 'lid' ? this.dir.byLid(j.user)?.phone : j.user;
		if (!phone) return undefined;
		if (j.device) {
			const d = this.devices.get(pnJid(phone, j.device));
			if (!d || d.removed) return undefined;
			const [id, pub] = Object.entries(d.prekeys)[0] || [];
			if (id) { delete d.prekeys[id]; this.persist(); }
			return { regId: d.regId, identity: Buffer.from(d.identityPub, 'hex'), spk: { id: d.spk.id, pub: Buffer.from(d.spk.pub, 'hex'), sig: Buffer.from(d.spk.sig, 'hex') },
				prekey: id ? { id: Number(id), pub: Buffer.from(pub, 'hex') } : undefined };
		}
		if (!this.dir.user(phone) && !this.accounts.has(phone)) return undefined;
		const a = this.account(phone);
		const pk = Curve.generateKeyPair();
		return { regId: a.regId, identity: a.identity.public, spk: { id: a.spk.id, pub: a.spk.pair.public, sig: a.spk.sig },
			prekey: { id: (this.iqSeq % 0xffffff) + 1, pub: pk.public } };
	}
}

