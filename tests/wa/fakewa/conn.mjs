// One client connection: frames and the Noise handshake, then the stanza
// dispatcher of WhatsApp's server for a registration or a login.
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { proto, encodeBinaryNode, decodeBinaryNode, md5 } from 'baileys';
import { NoiseResponder, NOISE_WA_HEADER } from './noise.mjs';
import { verify } from './phone.mjs';
import { SERVER, now, child, kids, bytes, text, toJSON, pnJid, parseJid, iqResult, iqError, ERROR_TEXT } from './wire.mjs';

const frame = (b) => { const h = Buffer.alloc(3); h.writeUIntBE(b.length, 0, 3); return Buffer.concat([h, b]); };
const MAX_FRAME = 16 << 20;
const ACKED = new Set(['message', 'receipt', 'notification', 'call']);

export class Conn {
	constructor(srv, ws, req, transport) {
		Object.assign(this, { srv, ws, transport, id: srv.nextConnId(), state: 'intro', inBytes: Buffer.alloc(0),
			queue: Promise.resolve(), waiting: new Map(), since: Date.now(), lastRecv: Date.now(), timers: [] });
		this.path = req.url;
		this.origin = req.headers.origin;
		this.remote = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
		ws.on('message', (d) => { this.queue = this.queue.then(() => this.onData(Buffer.from(d))).catch((e) => this.fatal(e)); });
		ws.on('close', (code) => this.onClose(code));
		ws.on('error', () => {});
		this.after(srv.opts.handshakeTimeoutMs, () => { if (this.state !== 'open') this.drop('handshake timeout'); });
		srv.log('connect', { conn: this.id, remote: this.remote, path: this.path, origin: this.origin, transport });
		if (this.path !== '/ws/chat') srv.note(this, `upgrade path "${this.path}", WhatsApp's is /ws/chat`);
		if (this.origin !== 'https://web.whatsapp.com') srv.note(this, `Origin "${this.origin}", WA Web sends https://web.whatsapp.com`);
	}
	get jid() { return this.device?.jid; }
	get open() { return this.state !== 'closed'; }
	after(ms, fn) { if (ms > 0) { const t = setTimeout(fn, ms); this.timers.push(t); return t; } return undefined; }
	every(ms, fn) { if (ms > 0) { const t = setInterval(fn, ms); this.timers.push(t); } }
	info() {
		return { id: this.id, kind: this.kind || 'handshake', state: this.state, jid: this.jid, remote: this.remote, transport: this.transport,
			since: this.since, active: !!this.active, passive: this.payload?.passive ?? undefined,
			refs: this.reg?.refs, noisePub: this.noisePub?.toString('base64'), codePairing: this.code ? { phone: this.code.phone, ref: this.code.ref } : undefined,
			pings: this.pings || 0 };
	}

	// ---- bytes in ----
	async onData(d) {
		if (!this.open) return;
		this.lastRecv = Date.now();
		this.inBytes = Buffer.concat([this.inBytes, d]);
		if (this.state === 'intro' && !this.intro()) return;
		while (this.open && this.inBytes.length >= 3) {
			const n = this.inBytes.readUIntBE(0, 3);
			if (n === 0 || n > MAX_FRAME) return this.drop(`bad frame length ${n}`);
			if (this.inBytes.length < 3 + n) return;
			const f = Buffer.from(this.inBytes.subarray(3, 3 + n));
			this.inBytes = this.inBytes.subarray(3 + n);
			await this.onFrame(f);
		}
	}
	// The first bytes: an optional edge-routing preamble "ED" 00 01
	// <len24> <routing_info>, then the prologue WA 06 03.
	intro() {
		let b = this.inBytes, off = 0;
		if (b.length >= 2 && b[0] === 0x45 && b[1] === 0x44) {
			if (b.length < 7) return false;
			const n = b.readUIntBE(4, 3);
			if (b.length < 7 + n) return false;
			this.routingInfo = b.subarray(7, 7 + n).toString('base64');
			off = 7 + n;
		}
		if (b.length < off + 4) return false;
		if (!b.subarray(off, off + 4).equals(NOISE_WA_HEADER)) { this.drop(`bad prologue ${b.subarray(off, off + 4).toString('hex')}`); return false; }
		this.inBytes = b.subarray(off + 4);
		this.state = 'hello';
		return true;
	}
	async onFrame(f) {
		if (this.state === 'hello') {
			this.noise = new NoiseResponder(this.srv.keys);
			let hello;
			try { hello = await this.noise.hello(f); } catch (e) { return this.drop(`ClientHello rejected: ${e.message}`); }
			this.ws.send(frame(hello));
			this.state = 'finish';
		} else if (this.state === 'finish') {
			let r;
			try { r = await this.noise.finish(f); } catch (e) { return this.drop(`ClientFinish rejected: ${e.message}`); }
			this.state = 'open';
			this.noisePub = r.clientStatic;
			await this.onPayload(r.payload);
		} else if (this.state === 'open') {
			let node;
			try { node = await decodeBinaryNode(this.noise.decrypt(f)); } catch (e) { return this.drop(`undecodable frame: ${e.message}`); }
			this.srv.log('in', { conn: this.id, jid: this.jid, node: toJSON(node) });
			await this.onNode(node);
		}
	}
	fatal(e) { this.srv.problem(this, `server error: ${e.stack || e}`); this.drop('server error'); }

	// ---- bytes out ----
	send(node) {
		if (!this.open || this.state !== 'open') return false;
		if (this.srv.faults.take(['silence'], { device: this.jid, conn: this.id }, true)) {
			this.srv.log('silenced', { conn: this.id, jid: this.jid, node: toJSON(node) });
			return false;
		}
		let plain = encodeBinaryNode(node);
		const z = this.srv.opts.compressMin;
		if (z > 0 && plain.length >= z) plain = Buffer.concat([Buffer.from([2]), deflateSync(plain.subarray(1))]);
		this.ws.send(frame(this.noise.encrypt(plain)));
		this.srv.log('out', { conn: this.id, jid: this.jid, node: toJSON(node) });
		if (ACKED.has(node.tag)) this.srv.expectAck(this, node);
		return true;
	}
	// Sends an IQ and calls `onReply(node)` with the answer, or
	// `onGone(why)` after `ms` without one or when the connection ends.
	ask(node, ms, onReply, onGone) {
		const id = node.attrs.id;
		const t = this.after(ms, () => { if (this.waiting.delete(id)) onGone?.('timeout'); });
		this.waiting.set(id, { reply: (r) => { clearTimeout(t); onReply(r); }, gone: (why) => onGone?.(why) });
		this.send(node);
	}
	// Immediate faults and deliberate ends.
	streamError(code, conflict) {
		const node = { tag: 'stream:error', attrs: code ? { code: String(code) } : {} };
		if (conflict) node.content = [{ tag: 'conflict', attrs: { type: conflict } }];
		this.send(node);
		this.closeSoon(`stream:error ${code || ''}${conflict ? ' ' + conflict : ''}`.trim());
	}
	failure(attrs) {
		const a = {};
		for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) a[k] = String(v);
		this.send({ tag: 'failure', attrs: a });
		this.closeSoon(`failure ${a.reason}`);
	}
	closeSoon(why) { this.after(50, () => this.drop(why)); }
	drop(why) {
		if (!this.open) return;
		this.dropReason = why;
		try { this.ws.close(); } catch {}
		this.after(1000, () => this.ws.terminate());
		this.onClose(undefined, why);
	}
	abort(why) { this.dropReason = why; this.ws.terminate(); this.onClose(undefined, why); }
	onClose(code, why) {
		if (!this.open) return;
		this.state = 'closed';
		for (const t of this.timers) { clearTimeout(t); clearInterval(t); }
		const gone = [...this.waiting.values()];
		this.waiting.clear();
		for (const w of gone) w.gone('connection closed');
		this.srv.closed(this, why || this.dropReason || `client closed (${code})`);
	}

	// ---- after the handshake ----
	async onPayload(bytesIn) {
		// Network latency before the server's first answer (see README:
		// Baileys 6.7.24 needs a little).
		if (this.srv.opts.latencyMs > 0) await new Promise((r) => setTimeout(r, this.srv.opts.latencyMs));
		if (!this.open) return;
		let cp;
		try { cp = proto.ClientPayload.decode(bytesIn); } catch (e) { return this.drop(`ClientPayload does not decode: ${e.message}`); }
		this.payload = cp;
		const ua = cp.userAgent, v = ua?.appVersion;
		const mode = cp.devicePairingData ? 'registration' : cp.username ? 'login' : undefined;
		const summary = proto.ClientPayload.toObject(cp, { longs: String, bytes: String, enums: String });
		this.srv.log('handshake', { conn: this.id, mode, payload: summary, routingInfo: this.routingInfo });
		if (!ua || !v) this.srv.problem(this, 'ClientPayload without userAgent.appVersion');
		if (!mode) { this.srv.problem(this, 'ClientPayload is neither a login (username) nor a registration (devicePairingData)'); return this.failure({ reason: 400 }); }
		const jid = mode === 'login' ? pnJid(String(cp.username), cp.device) : undefined;
		const f = this.srv.faults.take(['failure'], { device: jid, conn: this.id, mode });
		if (f) return this.failure({ reason: f.reason ?? 401, code: f.code, expire: f.expire, location: f.location, message: f.message });
		const min = this.srv.opts.minVersion;
		if (min && (v?.tertiary ?? 0) < min) return this.failure({ reason: 405, location: 'fake' });
		if (mode === 'registration') return this.startRegistration(cp);
		return this.startLogin(cp, jid);
	}

	startRegistration(cp) {
		const d = cp.devicePairingData, v = cp.userAgent.appVersion;
		const b = (x) => Buffer.from(x || []);
		const p = [];
		const [regId, keyType, ident, skId, skVal, skSig] = [b(d.eRegid), b(d.eKeytype), b(d.eIdent), b(d.eSkeyId), b(d.eSkeyVal), b(d.eSkeySig)];
		if (regId.length !== 4) p.push(`eRegid is ${regId.length} bytes, want 4`);
		if (!keyType.equals(Buffer.from([5]))) p.push('eKeytype is not 05');
		if (ident.length !== 32) p.push(`eIdent is ${ident.length} bytes, want 32`);
		if (skId.length !== 3) p.push(`eSkeyId is ${skId.length} bytes, want 3`);
		if (!verify(ident, Buffer.concat([Buffer.from([5]), skVal]), skSig)) p.push('eSkeySig does not verify over 05 || eSkeyVal with eIdent');
		if (!b(d.buildHash).equals(md5(Buffer.from(`${v.primary}.${v.secondary}.${v.tertiary}`)))) p.push('buildHash is not MD5("primary.secondary.tertiary")');
		let props;
		try { props = proto.DeviceProps.toObject(proto.DeviceProps.decode(b(d.deviceProps)), { enums: String, longs: String }); } catch { p.push('deviceProps does not decode'); }
		if (cp.passive || cp.pull) this.srv.note(this, `registration payload with passive=${cp.passive} pull=${cp.pull} (WhatsApp clients send false/false)`);
		if (p.length) { for (const x of p) this.srv.problem(this, x); return this.failure({ reason: 400 }); }
		this.kind = 'registration';
		this.reg = { identityPub: ident, regId: regId.readUInt32BE(), spk: { id: skId.readUIntBE(0, 3), pub: skVal, sig: skSig }, props,
			refs: Array.from({ length: this.srv.opts.qrRefs }, () => '2@' + randomBytes(33).toString('base64')) };
		const iq = { tag: 'iq', attrs: { from: SERVER, type: 'set', id: this.srv.nextIqId() },
			content: [{ tag: 'pair-device', attrs: {}, content: this.reg.refs.map((r) => ({ tag: 'ref', attrs: {}, content: Buffer.from(r) })) }] };
		this.ask(iq, this.srv.opts.iqReplyTimeoutMs, (r) => {
			if (r.attrs.type !== 'result') this.srv.problem(this, `pair-device answered type=${r.attrs.type}`);
			this.srv.log('pair-device-ack', { conn: this.id, ok: r.attrs.type === 'result' });
		}, (why) => { if (why === 'timeout') this.srv.problem(this, 'pair-device was never answered'); });
		this.after(this.srv.opts.registrationTimeoutMs, () => { if (!this.pairing) this.drop('registration timed out unpaired'); });
		this.every(this.srv.opts.serverPingMs, () => this.serverPing());
	}

	startLogin(cp, jid) {
		const dev = this.srv.devices.get(jid);
		if (!dev || dev.removed) { this.srv.log('login-refused', { conn: this.id, jid, why: dev ? 'device removed' : 'unknown device' }); return this.failure({ reason: 401 }); }
		if (!Buffer.from(dev.noisePub, 'hex').equals(this.noisePub)) {
			this.srv.problem(this, `login as ${jid} with a Noise key the device did not register with`);
			return this.failure({ reason: 401 });
		}
		if (!cp.pull) this.srv.note(this, 'login payload with pull=false');
		this.kind = 'login';
		this.device = dev;
		const f = this.srv.faults.take(['login-stream-error'], { device: jid, conn: this.id, mode: 'login' });
		if (f) return this.streamError(f.code, f.conflict);
		for (const old of this.srv.connsOf(jid)) if (old !== this) old.streamError(undefined, 'replaced');
		this.active = !cp.passive;
		dev.lastLogin = now();
		this.srv.persist();
		const acct = this.srv.dir.account(dev.phone);
		const attrs = { t: String(now()), props: '26', abprops: '34', location: 'fake', lid: dev.lid, creation: String(dev.pairedAt) };
		if (acct.pushName) attrs.display_name = acct.pushName;
		this.send({ tag: 'success', attrs });
		this.srv.log('login', { conn: this.id, jid, passive: !!cp.passive });
		if (this.active) setImmediate(() => this.srv.flushOffline(this));
		this.every(this.srv.opts.serverPingMs, () => this.serverPing());
		this.every(this.srv.opts.idleTimeoutMs && Math.max(50, this.srv.opts.idleTimeoutMs / 4), () => {
			if (Date.now() - this.lastRecv > this.srv.opts.idleTimeoutMs) this.drop('idle: nothing received');
		});
	}

	serverPing() {
		const iq = { tag: 'iq', attrs: { from: SERVER, type: 'get', xmlns: 'urn:xmpp:ping', id: this.srv.nextIqId() } };
		const t0 = Date.now();
		this.ask(iq, this.srv.opts.iqReplyTimeoutMs, (r) => this.srv.log('server-ping', { conn: this.id, jid: this.jid, answered: true, type: r.attrs.type, ms: Date.now() - t0 }),
			(why) => {
				if (why !== 'timeout') return;
				this.srv.log('server-ping', { conn: this.id, jid: this.jid, answered: false });
				this.srv.problem(this, 'server ping (urn:xmpp:ping) not answered', 'ping-unanswered');
			});
	}

	// ---- stanzas in ----
	async onNode(node) {
		switch (node.tag) {
		case 'iq': return this.onIq(node);
		case 'ack': return this.srv.onAck(this, node);
		case 'receipt':
			this.srv.onReceipt(this, node);
			return this.send({ tag: 'ack', attrs: { class: 'receipt', id: node.attrs.id, from: node.attrs.to || SERVER, ...(node.attrs.type ? { type: node.attrs.type } : {}) } });
		case 'message':
			return this.send({ tag: 'ack', attrs: { class: 'message', id: node.attrs.id, from: node.attrs.to || SERVER, t: String(now()) } });
		case 'presence': case 'chatstate': return undefined;
		case 'ib':
			for (const c of kids(node)) this.srv.log('ib', { conn: this.id, jid: this.jid, child: c.tag, attrs: c.attrs });
			return undefined;
		case 'call': case 'notification':
			return this.send({ tag: 'ack', attrs: { class: node.tag, id: node.attrs.id, from: node.attrs.to || SERVER } });
		default:
			this.srv.problem(this, `unexpected <${node.tag}> from the client`);
			return undefined;
		}
	}

	async onIq(iq) {
		const { type, id, xmlns } = iq.attrs;
		if (!id) return this.srv.problem(this, 'iq without id');
		if (type === 'result' || type === 'error') {
			const w = this.waiting.get(id);
			if (!w) return this.srv.problem(this, `iq ${type} for id ${id} the server never asked`);
			this.waiting.delete(id);
			return w.reply(iq);
		}
		if (type !== 'get' && type !== 'set') return this.send(iqError(iq, 400, 'bad-request'));
		if (!iq.attrs.to) this.srv.note(this, `iq ${xmlns} without "to"`);
		// Decoded "s.whatsapp.net" (no "@") was a token or raw string on the
		// wire; WhatsApp's clients send the server JID as JID_PAIR (fa 00 03).
		else if (iq.attrs.to === 's.whatsapp.net') this.srv.note(this, `iq ${xmlns} to="s.whatsapp.net" as a string, not the server JID`);
		const ctx = { device: this.jid, conn: this.id, mode: this.kind, iq };
		const f = this.srv.faults.take(['iq-timeout', 'iq-error'], ctx);
		if (f?.kind === 'iq-timeout') return this.srv.log('iq-dropped', { conn: this.id, jid: this.jid, id, xmlns, fault: f.id });
		if (f) return this.send(iqError(iq, f.code ?? 429, f.text ?? ERROR_TEXT[f.code ?? 429] ?? 'error', { backoff: f.backoff }));
		if (xmlns === 'w:p') { this.pings = (this.pings || 0) + 1; return this.send(iqResult(iq)); }
		if (xmlns === 'md' && child(iq, 'link_code_companion_reg')) return this.linkCode(iq);
		if (this.kind !== 'login') return this.send(iqError(iq, 401, 'not-authorized'));
		const r = this.srv.handleIq(this, iq);
		if (r) this.send(r);
	}

	// ---- phone-number pairing on a registration connection (L9) ----
	async linkCode(iq) {
		const reg = child(iq, 'link_code_companion_reg');
		const stage = reg.attrs.stage;
		if (this.kind !== 'registration') return this.send(iqError(iq, 400, 'bad-request'));
		if (stage === 'companion_hello') {
			const phone = parseJid(reg.attrs.jid)?.user;
			const wrapped = bytes(child(reg, 'link_code_pairing_wrapped_companion_ephemeral_pub'));
			const auth = bytes(child(reg, 'companion_server_auth_key_pub'));
			const display = text(child(reg, 'companion_platform_display'));
			const p = [];
			if (!phone || !/^[1-9]\d{6,14}$/.test(phone) || parseJid(reg.attrs.jid).server !== 's.whatsapp.net') p.push(`jid "${reg.attrs.jid}" is not a phone number JID`);
			if (wrapped?.length !== 80) p.push(`wrapped companion ephemeral key is ${wrapped?.length} bytes, want 80`);
			if (!auth?.equals(this.noisePub)) p.push('companion_server_auth_key_pub is not the Noise key of this connection');
			if (!text(child(reg, 'companion_platform_id'))) p.push('companion_platform_id missing');
			if (!/^[A-Za-z][A-Za-z0-9 ._-]* \([A-Za-z][A-Za-z0-9 ._-]*\)$/.test(display || '')) p.push(`companion_platform_display "${display}" is not "Browser (OS)"`);
			if (!child(reg, 'link_code_pairing_nonce')) p.push('link_code_pairing_nonce missing');
			if (p.length) { for (const x of p) this.srv.problem(this, x); return this.send(iqError(iq, 400, 'bad-request')); }
			this.code = { phone, wrapped, ref: '2@' + randomBytes(24).toString('base64'), display, platformId: text(child(reg, 'companion_platform_id')),
				showPush: reg.attrs.should_show_push_notification };
			this.send(iqResult(iq, [{ tag: 'link_code_companion_reg', attrs: {}, content: [{ tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(this.code.ref) }] }]));
			return this.srv.log('code-hello', { conn: this.id, phone, ref: this.code.ref, display });
		}
		if (stage === 'companion_finish') {
			const c = this.code;
			const ref = text(child(reg, 'link_code_pairing_ref'));
			if (!c?.primary) { this.srv.problem(this, 'companion_finish before the phone sent its hello'); return this.send(iqError(iq, 400, 'bad-request')); }
			if (ref !== c.ref) { this.srv.problem(this, 'companion_finish with a wrong link_code_pairing_ref'); return this.send(iqError(iq, 400, 'bad-request')); }
			const cid = bytes(child(reg, 'companion_identity_public'));
			if (!cid?.equals(this.reg.identityPub)) this.srv.problem(this, 'companion_identity_public differs from the registration identity key');
			return this.srv.codeFinish(this, iq, bytes(child(reg, 'link_code_pairing_wrapped_key_bundle')), cid);
		}
		this.srv.problem(this, `link_code_companion_reg with unknown stage "${stage}"`);
		return this.send(iqError(iq, 400, 'bad-request'));
	}
}
