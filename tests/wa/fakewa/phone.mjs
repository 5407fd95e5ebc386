// The user's phone: its account key, the QR it scans, the ADV identity it
// signs for a new companion, the pair-device-sign it checks, and its half
// of the phone-number (link code) pairing.
import { randomBytes, createHmac } from 'node:crypto';
import { Curve, proto, hkdf, derivePairingCodeKey, aesEncryptCTR, aesDecryptCTR, aesDecryptGCM } from 'baileys';
import libsignal from 'libsignal';
import { SERVER, now, child, bytes, pnJid, lidJid } from './wire.mjs';

const ACCOUNT_PREFIX = Buffer.from([6, 0]), DEVICE_PREFIX = Buffer.from([6, 1]);
const HOSTED_ACCOUNT_PREFIX = Buffer.from([6, 5]), HOSTED_DEVICE_PREFIX = Buffer.from([6, 6]);

// A real curve25519 signature check.  Baileys 6.7.24's Curve.verify
// returns true for any 64 bytes (libsignal returns false, it does not
// throw), so we call libsignal and look at its answer.
export function verify(pub, msg, sig) {
	try {
		return pub?.length === 32 && sig?.length === 64 &&
			libsignal.curve.verifySignature(Buffer.concat([Buffer.from([5]), pub]), msg, sig) === true;
	} catch { return false; }
}
export const sign = (priv, msg) => Buffer.from(Curve.sign(priv, msg));

// QR text, both forms:
//   https://wa.me/settings/linked_devices#ref,noise,identity,adv,clientType   (current)
//   ref,noise,identity,adv                                                     (Baileys 6.7.24)
export function parseQR(qr) {
	let s = String(qr).trim(), form = 'legacy';
	const url = 'https://wa.me/settings/linked_devices#';
	if (s.startsWith(url)) { s = s.slice(url.length); form = 'url'; }
	const f = s.split(',');
	if (form === 'url' ? f.length !== 5 : f.length !== 4) throw new Error(`QR text has ${f.length} fields, want ${form === 'url' ? 5 : 4} (${form} form)`);
	const b64 = (x, n, what) => {
		if (!/^[A-Za-z0-9+/]+={0,2}$/.test(x)) throw new Error(`QR ${what} is not standard base64`);
		const b = Buffer.from(x, 'base64');
		if (b.length !== n) throw new Error(`QR ${what} is ${b.length} bytes, want ${n}`);
		return b;
	};
	return { form, ref: f[0], noisePub: b64(f[1], 32, 'noise key'), identityPub: b64(f[2], 32, 'identity key'),
		advSecret: b64(f[3], 32, 'adv secret'), clientType: form === 'url' ? f[4] : undefined };
}

// The phone's keys for one account, kept in the state file.
export function makeAccount(phone, fx = {}, saved) {
	const pair = (k) => ({ private: Buffer.from(k.private, 'hex'), public: Buffer.from(k.public, 'hex') });
	const identity = saved?.identity ? pair(saved.identity) : Curve.generateKeyPair();
	const spk = saved?.spk ? { id: saved.spk.id, pair: pair(saved.spk.pair), sig: Buffer.from(saved.spk.sig, 'hex') } : (() => {
		const p = Curve.generateKeyPair();
		return { id: 1, pair: p, sig: sign(identity.private, Buffer.concat([Buffer.from([5]), p.public])) };
	})();
	return {
		phone, identity, spk,
		regId: saved?.regId ?? (randomBytes(2).readUInt16BE() & 0x3fff) + 1,
		nextDevice: saved?.nextDevice ?? fx.firstDevice ?? 1,
		nextKeyIndex: saved?.nextKeyIndex ?? 1,
	};
}
export const accountToJSON = (a) => ({
	identity: { private: a.identity.private.toString('hex'), public: a.identity.public.toString('hex') },
	spk: { id: a.spk.id, pair: { private: a.spk.pair.private.toString('hex'), public: a.spk.pair.public.toString('hex') }, sig: a.spk.sig.toString('hex') },
	regId: a.regId, nextDevice: a.nextDevice, nextKeyIndex: a.nextKeyIndex,
});

// Builds the <pair-success> IQ for a companion whose identity key and adv
// secret the phone knows.  `who` = { lid, pushName, platform, biz, hosted }
// from the fixture.  Returns the node plus what the reply must match.
export function pairSuccess(account, who, companion, id) {
	const device = account.nextDevice++, keyIndex = account.nextKeyIndex++;
	const hosted = !!who.hosted;
	const details = Buffer.from(proto.ADVDeviceIdentity.encode({
		rawId: randomBytes(4).readUInt32BE(), timestamp: now(), keyIndex,
		accountType: hosted ? proto.ADVEncryptionType.HOSTED : proto.ADVEncryptionType.E2EE,
		deviceType: hosted ? proto.ADVEncryptionType.HOSTED : proto.ADVEncryptionType.E2EE,
	}).finish());
	const accountSignature = sign(account.identity.private,
		Buffer.concat([hosted ? HOSTED_ACCOUNT_PREFIX : ACCOUNT_PREFIX, details, companion.identityPub]));
	const signed = Buffer.from(proto.ADVSignedDeviceIdentity.encode({
		details, accountSignatureKey: account.identity.public, accountSignature }).finish());
	const hmacIn = hosted ? Buffer.concat([HOSTED_ACCOUNT_PREFIX, signed]) : signed;
	const container = Buffer.from(proto.ADVSignedDeviceIdentityHMAC.encode({
		details: signed, hmac: createHmac('sha256', companion.advSecret).update(hmacIn).digest(),
		...(hosted ? { accountType: proto.ADVEncryptionType.HOSTED } : {}) }).finish());
	const jid = pnJid(account.phone, device), lid = lidJid(who.lid, device);
	const content = [
		{ tag: 'device-identity', attrs: {}, content: container },
		{ tag: 'platform', attrs: { name: who.platform || 'android' } },
		{ tag: 'device', attrs: { jid, lid } },
	];
	if (who.biz) content.push({ tag: 'biz', attrs: { name: who.biz } });
	const node = { tag: 'iq', attrs: { from: SERVER, type: 'set', id, t: String(now()) }, content: [{ tag: 'pair-success', attrs: {}, content }] };
	return { node, expect: { device, keyIndex, jid, lid, details, accountSignature, hosted, identityPub: companion.identityPub, accountKey: account.identity.public } };
}

// Checks the companion's answer to pair-success (L8 step 5).  Returns a
// list of problems; empty means the device may be linked.
export function checkPairSign(reply, ex) {
	const p = [];
	if (reply.attrs.type !== 'result') {
		const e = child(reply, 'error');
		return [`pair-success answered type=${reply.attrs.type}${e ? ` code=${e.attrs.code} text=${e.attrs.text}` : ''}`];
	}
	const di = child(child(reply, 'pair-device-sign'), 'device-identity');
	if (!di) return ['reply lacks <pair-device-sign><device-identity>'];
	if (di.attrs['key-index'] !== String(ex.keyIndex)) p.push(`key-index="${di.attrs['key-index']}", want "${ex.keyIndex}"`);
	let s;
	try { s = proto.ADVSignedDeviceIdentity.decode(bytes(di)); } catch (e) { return [...p, `device-identity does not decode: ${e.message}`]; }
	const det = Buffer.from(s.details || []);
	if (!det.equals(ex.details)) p.push('details differ from the ones the phone signed');
	if (s.accountSignatureKey?.length) p.push('accountSignatureKey must be omitted from the reply');
	if (!Buffer.from(s.accountSignature || []).equals(ex.accountSignature)) p.push('accountSignature differs from the phone\'s');
	const msg = Buffer.concat([ex.hosted ? HOSTED_DEVICE_PREFIX : DEVICE_PREFIX, det, ex.identityPub, ex.accountKey]);
	if (!verify(ex.identityPub, msg, Buffer.from(s.deviceSignature || []))) p.push('deviceSignature does not verify over 06 01 || details || identityPub || accountSignatureKey');
	return p;
}

// ---- Phone-number pairing (link code), the primary's side (L9) ----

// 8 characters of the Crockford-like alphabet, dash optional.
export function normaliseCode(code) {
	const c = String(code).toUpperCase().replace(/-/g, '');
	if (!/^[1-9A-HJ-NP-TV-Z]{8}$/.test(c)) throw new Error(`"${code}" is not an 8-character pairing code`);
	return c;
}

// The user typed `code` on the phone: recover the companion's ephemeral
// key from its wrapped form (salt32 || iv16 || AES-CTR(pub)) and wrap the
// phone's own ephemeral key the same way.  A wrong code yields a wrong key
// here (the wrap has no MAC); pairing then fails at companion_finish.
export async function primaryHello(code, wrappedCompanion) {
	const w = Buffer.from(wrappedCompanion);
	const key = await derivePairingCodeKey(code, w.subarray(0, 32));
	const companionEph = Buffer.from(aesDecryptCTR(w.subarray(48, 80), key, w.subarray(32, 48)));
	const eph = Curve.generateKeyPair();
	const salt = randomBytes(32), iv = randomBytes(16);
	const key2 = await derivePairingCodeKey(code, salt);
	const wrapped = Buffer.concat([salt, iv, aesEncryptCTR(eph.public, key2, iv)]);
	return { companionEph, eph, wrapped };
}

// companion_finish: decrypt salt32 || nonce12 || AES-GCM(companionIdentity ||
// primaryIdentity || advRandom) and derive the adv secret as the companion
// did.  Throws with a reason when anything does not match.
export async function primaryFinish(pending, account, bundle, companionIdentity) {
	const b = Buffer.from(bundle);
	if (b.length !== 32 + 12 + 96 + 16) throw new Error(`wrapped key bundle is ${b.length} bytes, want 156`);
	const eph = Curve.sharedKey(pending.eph.private, pending.companionEph);
	const bk = await hkdf(eph, 32, { salt: b.subarray(0, 32), info: 'link_code_pairing_key_bundle_encryption_key' });
	let plain;
	try { plain = Buffer.from(aesDecryptGCM(b.subarray(44), bk, b.subarray(32, 44), Buffer.alloc(0))); } catch {
		throw new Error('key bundle does not authenticate (wrong pairing code?)');
	}
	if (plain.length !== 96) throw new Error(`key bundle holds ${plain.length} bytes, want 96`);
	const [cid, pid, advRand] = [plain.subarray(0, 32), plain.subarray(32, 64), plain.subarray(64)];
	if (!cid.equals(companionIdentity)) throw new Error('bundle identity differs from companion_identity_public');
	if (!pid.equals(account.identity.public)) throw new Error('bundle holds the wrong primary identity key');
	const ident = Curve.sharedKey(account.identity.private, cid);
	const advSecret = await hkdf(Buffer.concat([eph, ident, advRand]), 32, { info: 'adv_secret' });
	return { advSecret: Buffer.from(advSecret), identityPub: Buffer.from(cid) };
}
