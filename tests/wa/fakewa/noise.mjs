// WhatsApp's side of Noise_XX_25519_AESGCM_SHA256, on Baileys' own noise
// handler, with a certificate chain signed by a test root key.
//
// Baileys' handler is a client: its transcript hash starts from the
// prologue and *its* ephemeral key.  Built with the client's ephemeral
// public key it computes the same transcript on the server side; its
// encrypt/decrypt/MixKey then serve both roles.  It keeps the chaining
// key private, so we track it alongside (same HKDF) to derive the
// transport keys at the end, as tests/wa/loopback.mjs does.
import { makeNoiseHandler, NOISE_WA_HEADER, NOISE_MODE, Curve, proto, hkdf, aesEncryptGCM, aesDecryptGCM } from 'baileys';

const quiet = { child: () => quiet, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const iv = (n) => { const b = Buffer.alloc(12); b.writeUInt32BE(n, 8); return b; };

// The server's long-lived keys: root (its public half is what clients
// pin), intermediate and the Noise static key the leaf certifies.
export function makeKeys(saved) {
	const pair = (k) => (k ? { private: Buffer.from(k.private, 'hex'), public: Buffer.from(k.public, 'hex') } : Curve.generateKeyPair());
	return { root: pair(saved?.root), inter: pair(saved?.inter), static: pair(saved?.static) };
}
export const keysToJSON = (k) => Object.fromEntries(Object.entries(k).map(([n, p]) => [n, { private: p.private.toString('hex'), public: p.public.toString('hex') }]));

// A root key pair from a 32-byte private key (a test can fix the root).
export function rootFromPrivate(hexPriv) {
	const priv = Buffer.from(hexPriv, 'hex');
	if (priv.length !== 32) throw new Error('--root-key wants 32 bytes of hex');
	// X25519 public key = scalar mult of the base point; libsignal does it.
	const pub = Curve.sharedKey(priv, Buffer.concat([Buffer.from([9]), Buffer.alloc(31)]));
	return { private: priv, public: pub };
}

// CertChain{leaf, intermediate}: intermediate signed by the root with
// issuerSerial 0 (the root's serial), leaf signed by the intermediate with
// issuerSerial = intermediate serial and key = the Noise static key.
// Validity in seconds, as whatsmeow reads it.
export function certChain(keys, t = Math.floor(Date.now() / 1000)) {
	const details = (d) => Buffer.from(proto.CertChain.NoiseCertificate.Details.encode(d).finish());
	const interD = details({ serial: 1, issuerSerial: 0, key: keys.inter.public, notBefore: t - 86400, notAfter: t + 30 * 86400 });
	const leafD = details({ serial: 2, issuerSerial: 1, key: keys.static.public, notBefore: t - 86400, notAfter: t + 7 * 86400 });
	return Buffer.from(proto.CertChain.encode({
		intermediate: { details: interD, signature: Curve.sign(keys.root.private, interD) },
		leaf: { details: leafD, signature: Curve.sign(keys.inter.private, leafD) },
	}).finish());
}

// The chain every handshake is sent.  WhatsApp's is long-lived, not
// signed per connection; here it is issued once and again when it is an
// hour old, so its windows always hold and a thousand clients coming back
// at once do not cost two (slow, pure-JS) XEdDSA signatures each.
const CHAIN_REISSUE_S = 3600;
const chains = new WeakMap();
export function currentChain(keys, t = Math.floor(Date.now() / 1000)) {
	const id = keys.root.public.toString('hex') + keys.inter.public.toString('hex') + keys.static.public.toString('hex');
	let c = chains.get(keys);
	if (!c || c.id !== id || t - c.t >= CHAIN_REISSUE_S || t < c.t) chains.set(keys, (c = { id, t, chain: certChain(keys, t) }));
	return c.chain;
}

export class NoiseResponder {
	constructor(keys) { this.keys = keys; this.eph = Curve.generateKeyPair(); }
	async mix(ikm) {
		await this.H.mixIntoKey(ikm);
		this.ck = (await hkdf(ikm, 64, { salt: this.ck, info: '' })).subarray(0, 32);
	}
	// ClientHello frame -> ServerHello frame bytes.
	async hello(frame) {
		const ce = proto.HandshakeMessage.decode(frame).clientHello?.ephemeral;
		if (!ce || ce.length !== 32) throw new Error('ClientHello without a 32-byte ephemeral key');
		this.ce = Buffer.from(ce);
		this.H = makeNoiseHandler({ keyPair: { public: this.ce, private: Buffer.alloc(32) }, NOISE_HEADER: NOISE_WA_HEADER, logger: quiet });
		this.ck = Buffer.from(NOISE_MODE);
		this.H.authenticate(this.eph.public);
		await this.mix(Curve.sharedKey(this.eph.private, this.ce));
		const encStatic = this.H.encrypt(this.keys.static.public);
		await this.mix(Curve.sharedKey(this.keys.static.private, this.ce));
		const encPayload = this.H.encrypt(currentChain(this.keys));
		return Buffer.from(proto.HandshakeMessage.encode({ serverHello: { ephemeral: this.eph.public, static: encStatic, payload: encPayload } }).finish());
	}
	// ClientFinish frame -> { clientStatic, payload (ClientPayload bytes) }.
	// Throws when a ciphertext does not authenticate.
	async finish(frame) {
		const fin = proto.HandshakeMessage.decode(frame).clientFinish;
		if (!fin?.static || !fin?.payload) throw new Error('ClientFinish without static or payload');
		const clientStatic = Buffer.from(this.H.decrypt(fin.static));
		await this.mix(Curve.sharedKey(this.eph.private, clientStatic));
		const payload = Buffer.from(this.H.decrypt(fin.payload));
		const k = await hkdf(Buffer.alloc(0), 64, { salt: this.ck, info: '' });
		Object.assign(this, { rk: k.subarray(0, 32), wk: k.subarray(32), rn: 0, wn: 0 });
		return { clientStatic, payload };
	}
	encrypt(plain) { return aesEncryptGCM(plain, this.wk, iv(this.wn++), Buffer.alloc(0)); }
	decrypt(ct) { return aesDecryptGCM(ct, this.rk, iv(this.rn++), Buffer.alloc(0)); }
}

export { NOISE_WA_HEADER };
