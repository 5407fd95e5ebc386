// Loopback test: a WebSocket server playing WhatsApp's side of the Noise
// handshake with Baileys' own noise handler and a test root key; the C
// client (wa-client) connects over a real socket, logs in and echoes
// encrypted nodes.  With fixed client keys, a second Baileys handler in
// the client role ("mirror") predicts every byte the C client must send.
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { deflateSync } from 'node:zlib';
import { WebSocketServer } from 'ws';
import { makeNoiseHandler, NOISE_WA_HEADER, NOISE_MODE, Curve, proto, hkdf, aesEncryptGCM, aesDecryptGCM,
	encodeBinaryNode, decodeBinaryNode } from 'baileys';
import { genNode } from './diff-node.mjs';
import { rng, hex, loginPayload } from './lib.mjs';

const quiet = { child: () => quiet, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const iv = (n) => { const b = Buffer.alloc(12); b.writeUInt32BE(n, 8); return b; };
const frame = (b) => { const h = Buffer.alloc(3); h.writeUIntBE(b.length, 0, 3); return Buffer.concat([h, b]); };

function certChain(keys, scen, now) {
	const details = (d) => Buffer.from(proto.CertChain.NoiseCertificate.Details.encode(d).finish());
	const interD = details({ serial: 7, issuerSerial: 0, key: keys.inter.public, notBefore: now - 3600, notAfter: now + 86400 });
	const leafD = details({ serial: 9, issuerSerial: scen === 'issuer' ? 8 : 7,
		key: scen === 'leafkey' ? keys.inter.public : keys.serverStatic.public,
		notBefore: now - 3600, notAfter: scen === 'expired' ? now - 60 : now + 3600 });
	const interSig = Buffer.from(Curve.sign(keys.root.private, interD));
	if (scen === 'badsig') interSig[10] ^= 0x20;
	return Buffer.from(proto.CertChain.encode({
		intermediate: { details: interD, signature: interSig },
		leaf: { details: leafD, signature: Curve.sign(keys.inter.private, leafD) },
	}).finish());
}

class Session {
	constructor(ws, scen, ctx) {
		Object.assign(this, { ws, scen, ctx, t: ctx.t, inBytes: Buffer.alloc(0), state: 'intro', queue: Promise.resolve() });
		ws.on('message', (d) => { this.queue = this.queue.then(() => this.onData(d)).catch((e) => this.fail(e)); });
		ws.on('close', () => ctx.closed(this));
	}
	fail(e) { this.error = e; this.ws.close(); }
	async onData(d) {
		this.inBytes = Buffer.concat([this.inBytes, d]);
		if (this.state === 'intro') {
			if (this.inBytes.length < 4) return;
			this.t.check(this.inBytes.subarray(0, 4).equals(NOISE_WA_HEADER), `${this.scen}: prologue WA 06 03`);
			this.inBytes = this.inBytes.subarray(4);
			this.state = 'hello';
		}
		while (this.inBytes.length >= 3) {
			const n = this.inBytes.readUIntBE(0, 3);
			if (this.inBytes.length < 3 + n) return;
			const f = this.inBytes.subarray(3, 3 + n);
			this.inBytes = this.inBytes.subarray(3 + n);
			await this[this.state](Buffer.from(f));
		}
	}
	async mix(ikm) {
		await this.H.mixIntoKey(ikm);
		// The handler keeps its chaining key private; track it alongside
		// to derive the server's transport keys at the end.
		this.ck = (await hkdf(ikm, 64, { salt: this.ck, info: '' })).subarray(0, 32);
	}
	async hello(f) {
		const { keys } = this.ctx;
		const ce = proto.HandshakeMessage.decode(f).clientHello.ephemeral;
		this.ce = Buffer.from(ce);
		if (keys.clientEph) {
			this.t.check(f.equals(Buffer.from(proto.HandshakeMessage.encode({ clientHello: { ephemeral: keys.clientEph.public } }).finish())),
				`${this.scen}: client hello bytes`);
		}
		this.H = makeNoiseHandler({ keyPair: { public: this.ce, private: Buffer.alloc(32) }, NOISE_HEADER: NOISE_WA_HEADER, logger: quiet });
		this.ck = Buffer.from(NOISE_MODE);
		const se = keys.serverEph;
		this.H.authenticate(se.public);
		await this.mix(Curve.sharedKey(se.private, this.ce));
		const encStatic = Buffer.from(this.H.encrypt(keys.serverStatic.public));
		if (this.scen === 'badstatic') encStatic[5] ^= 1;
		await this.mix(Curve.sharedKey(keys.serverStatic.private, this.ce));
		const encPayload = this.H.encrypt(certChain(keys, this.scen, Math.floor(Date.now() / 1000)));
		this.serverHello = { ephemeral: se.public, static: encStatic, payload: encPayload };
		const msg = Buffer.from(proto.HandshakeMessage.encode({ serverHello: this.serverHello }).finish());
		if (this.scen === 'truncated-hello') { this.ws.send(frame(msg).subarray(0, 40)); this.ws.close(); return; }
		if (this.scen === 'garbage-hello') { this.ws.send(frame(msg.subarray(0, msg.length - 7))); return; }
		this.ws.send(frame(msg));
		this.state = 'finish';
	}
	async finish(f) {
		const { keys, expect } = this.ctx;
		const fin = proto.HandshakeMessage.decode(f).clientFinish;
		const cs = Buffer.from(this.H.decrypt(fin.static));
		this.t.check(cs.equals(keys.clientStatic.public), `${this.scen}: client static key`);
		await this.mix(Curve.sharedKey(keys.serverEph.private, cs));
		const payload = Buffer.from(this.H.decrypt(fin.payload));
		const cp = proto.ClientPayload.decode(payload);
		this.t.check(String(cp.username) === expect.username && cp.device === expect.device && cp.passive === true &&
			cp.pull === true && cp.userAgent.platform === 14 && cp.userAgent.appVersion.tertiary === this.ctx.version[2] &&
			cp.connectType === 1 && cp.connectReason === 1, `${this.scen}: login payload fields`, JSON.stringify(cp));
		this.t.check(payload.equals(loginPayload(`${expect.username}:${expect.device}@s.whatsapp.net`, this.ctx.version)),
			`${this.scen}: login payload bytes = Baileys generateLoginNode`);
		if (keys.clientEph) {
			// The mirror: Baileys' client handler with the same keys.
			this.M = makeNoiseHandler({ keyPair: keys.clientEph, NOISE_HEADER: NOISE_WA_HEADER, logger: quiet });
			const keyEnc = await this.M.processHandshake({ serverHello: this.serverHello }, keys.clientStatic);
			const payEnc = this.M.encrypt(payload);
			this.t.check(Buffer.from(keyEnc).equals(fin.static) && Buffer.from(payEnc).equals(fin.payload), `${this.scen}: client finish bytes = Baileys`);
			await this.M.finishInit();
		}
		const k = await hkdf(Buffer.alloc(0), 64, { salt: this.ck, info: '' });
		Object.assign(this, { rk: k.subarray(0, 32), wk: k.subarray(32), rn: 0, wn: 0, state: 'transport' });
		await this.afterHandshake();
	}
	send(plain, tamper) {
		const ct = aesEncryptGCM(plain, this.wk, iv(this.wn++), Buffer.alloc(0));
		if (tamper) ct[r0(ct.length)] ^= 4;
		if (this.M) this.t.check(Buffer.from(this.M.decrypt(ct)).equals(plain) || tamper, `${this.scen}: mirror reads server frame`);
		this.ws.send(frame(ct));
	}
	async afterHandshake() {
		const r = rng(this.ctx.seed);
		this.sent = [];
		if (this.scen === 'tamper') { this.send(encodeBinaryNode({ tag: 'iq', attrs: { id: '1' } }), true); return; }
		if (this.scen === 'truncated-frame') { this.ws.send(Buffer.from([0, 0, 100, 1, 2, 3, 4, 5])); this.ws.close(); return; }
		for (let i = 0; i < this.ctx.nodes; i++) {
			let node;
			do node = genNode(r); while (JSON.stringify(node).length > 200000);
			const plain = encodeBinaryNode(node);
			this.sent.push(plain);
			this.send(i % 3 === 1 ? Buffer.concat([Buffer.from([2]), deflateSync(plain.subarray(1))]) : plain);
		}
		if (!this.sent.length) this.send(encodeBinaryNode({ tag: 'bye', attrs: {} }));
	}
	async transport(f) {
		const plain = aesDecryptGCM(f, this.rk, iv(this.rn++), Buffer.alloc(0));
		if (this.M) this.t.check(Buffer.from(this.M.encrypt(plain)).equals(f), `${this.scen}: transport frame bytes = Baileys`);
		const want = this.sent.shift();
		const [a, b] = [await decodeBinaryNode(plain), await decodeBinaryNode(want)];
		this.t.check(JSON.stringify(a) === JSON.stringify(b), `${this.scen}: echoed node`);
		this.echoed = (this.echoed || 0) + 1;
		if (plain.equals(want)) this.exact = (this.exact || 0) + 1;
		if (!this.sent.length) this.send(encodeBinaryNode({ tag: 'bye', attrs: {} }));
	}
}
const r0 = (n) => Math.floor(Math.random() * n);

// Scenario -> what the C client must print.
const SCENARIOS = [
	['ok', /^ok 40$/, { fixed: true }],
	['ok-random-keys', /^ok 40$/, { fixed: false }],
	['ok-plain', /^ok 40$/, { plain: true, fixed: true }],
	['badsig', /certificate rejected/],
	['wrongroot', /certificate rejected/, { wrongRoot: true }],
	['leafkey', /certificate rejected/],
	['issuer', /certificate rejected/],
	['expired', /certificate rejected/],
	['badstatic', /Noise handshake failed/],
	['garbage-hello', /Noise handshake failed/],
	['truncated-hello', /I\/O error/],
	['tamper', /failed authentication/],
	['truncated-frame', /I\/O error/],
	['reject', /WebSocket upgrade failed/],
	['badca', /TLS failure/, { badCa: true }],
];

export async function run(t, opts) {
	const keys = { root: Curve.generateKeyPair(), inter: Curve.generateKeyPair(), serverStatic: Curve.generateKeyPair(),
		serverEph: Curve.generateKeyPair(), clientStatic: Curve.generateKeyPair() };
	const expect = { username: '15551234567', device: 12 };
	const ctx = { t, keys, expect, version: opts.version, seed: opts.seed, nodes: 40, sessions: [], closed: () => {} };
	const verifyClient = (info) => !info.req.url.includes('s=reject');
	const tls = https.createServer({ cert: readFileSync(opts.cert), key: readFileSync(opts.key) });
	const plain = http.createServer();
	for (const srv of [tls, plain]) {
		const wss = new WebSocketServer({ server: srv, verifyClient });
		wss.on('connection', (ws, req) => {
			const scen = new URL(req.url, 'http://x').searchParams.get('s');
			ctx.sessions.push(new Session(ws, scen, ctx));
		});
		await new Promise((res) => srv.listen(0, '127.0.0.1', res));
	}
	let passed = 0;
	for (const [scen, want, o = {}] of SCENARIOS) {
		keys.clientEph = o.fixed ? Curve.generateKeyPair() : undefined;
		const root = o.wrongRoot ? Curve.generateKeyPair().public : keys.root.public;
		const port = (o.plain ? plain : tls).address().port;
		const args = ['localhost', String(port), `/ws/chat?s=${scen}`, o.plain ? '-' : o.badCa ? opts.otherCert : opts.cert,
			hex(root), hex(keys.clientStatic.private), keys.clientEph ? hex(keys.clientEph.private) : '-', expect.username, String(expect.device)];
		const t0 = Date.now();
		const out = await new Promise((res) => {
			const p = spawn(opts.client, args, { stdio: ['ignore', 'pipe', 'inherit'], timeout: 30000 });
			let s = '';
			p.stdout.on('data', (d) => { s += d; });
			p.on('close', (code) => res({ code, s: s.trim() }));
		});
		const ok = t.check(want.test(out.s) && (out.code === 0) === want.test('ok 40'), `loopback ${scen}`, `client said "${out.s}" (exit ${out.code})`);
		if (ok) passed++;
		const sess = ctx.sessions.at(-1);
		if (sess?.error) t.check(false, `loopback ${scen} server`, String(sess.error.stack || sess.error));
		if (scen.startsWith('ok') && sess) console.log(`  ${scen}: ${sess.echoed} nodes echoed, ${sess.exact || 0} byte-identical, ${Date.now() - t0} ms`);
	}
	tls.close(); plain.close();
	for (const s of ctx.sessions) s.ws.terminate();
	console.log(`loopback: ${passed}/${SCENARIOS.length} scenarios as expected`);
}
