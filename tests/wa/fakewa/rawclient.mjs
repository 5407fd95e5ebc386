// A bare WhatsApp client on Baileys' primitives (its noise handler in the
// client role, its node codec): it sends exactly the stanzas a test
// writes, so the self-test can reach what Baileys' own client never does.
import WebSocket from 'ws';
import { makeNoiseHandler, NOISE_WA_HEADER, Curve, proto, encodeBinaryNode } from 'baileys';

const quiet = { child: () => quiet, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export class RawClient {
	// Connects and completes the handshake with `noiseKey` and the
	// ClientPayload object `payload`.  Resolves once the ClientFinish is sent.
	static async connect(url, { agent, noiseKey, payload }) {
		const c = new RawClient();
		c.ws = new WebSocket(url, { agent: url.startsWith('wss:') ? agent : undefined, origin: 'https://web.whatsapp.com' });
		c.ws.on('close', () => { c.closedAt = Date.now(); c.wake(); });
		c.ws.on('error', () => {});
		// One listener from the start: ws does not keep messages nobody
		// listens to, and the server may answer before finishInit() is done.
		let hello, early = [];
		const gotHello = new Promise((res) => { hello = res; });
		const take = (d) => {
			c.raw.push(d);
			c.q = c.q.then(() => c.noise.decodeFrame(d, (n) => { c.nodes.push(n); c.wake(); })).catch((e) => { c.error = e; c.wake(); });
		};
		c.ws.on('message', (d) => {
			d = Buffer.from(d);
			if (hello) { const h = hello; hello = undefined; h(d); } else if (early) early.push(d); else take(d);
		});
		await new Promise((res, rej) => { c.ws.once('open', res); c.ws.once('error', rej); });
		const eph = Curve.generateKeyPair();
		c.noise = makeNoiseHandler({ keyPair: eph, NOISE_HEADER: NOISE_WA_HEADER, logger: quiet });
		c.ws.send(c.noise.encodeFrame(proto.HandshakeMessage.encode({ clientHello: { ephemeral: eph.public } }).finish()));
		const first = await gotHello;
		const hs = proto.HandshakeMessage.decode(first.subarray(3, 3 + first.readUIntBE(0, 3)));
		const keyEnc = await c.noise.processHandshake(hs, noiseKey);
		const payEnc = c.noise.encrypt(proto.ClientPayload.encode(payload).finish());
		c.ws.send(c.noise.encodeFrame(proto.HandshakeMessage.encode({ clientFinish: { static: keyEnc, payload: payEnc } }).finish()));
		await c.noise.finishInit();
		const e = early; early = undefined;
		for (const d of e) take(d);
		return c;
	}
	constructor() { this.nodes = []; this.raw = []; this.q = Promise.resolve(); this.wakers = []; this.ids = 0; }
	wake() { for (const w of this.wakers.splice(0)) w(); }
	// The first received node (at index >= from) that `pred` accepts, or
	// undefined after `ms` or when the connection closed.
	async next(pred, ms = 5000, from = 0) {
		const end = Date.now() + ms;
		for (;;) {
			const hit = this.nodes.slice(from).find(pred);
			if (hit) return hit;
			if (this.closedAt || this.error || Date.now() >= end) return undefined;
			await new Promise((r) => { this.wakers.push(r); setTimeout(r, Math.max(1, end - Date.now())); });
		}
	}
	send(node) { this.ws.send(this.noise.encodeFrame(encodeBinaryNode(node))); }
	// Sends an IQ (an id is added) and resolves to its answer.
	query(node, ms) {
		node.attrs.id ??= `raw.${++this.ids}`;
		const from = this.nodes.length;
		this.send(node);
		return this.next((n) => n.tag === 'iq' && n.attrs.id === node.attrs.id, ms, from);
	}
	async closed(ms = 5000) {
		const end = Date.now() + ms;
		while (!this.closedAt && Date.now() < end) await new Promise((r) => { this.wakers.push(r); setTimeout(r, 50); });
		return !!this.closedAt;
	}
	close() { this.ws.terminate(); }
}
