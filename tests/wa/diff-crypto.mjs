// Differential tests of src/wa's crypto against Baileys (and Node's
// crypto where Baileys only wraps it).
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { Curve, aesEncryptGCM, aesEncryptCTR, hkdf, derivePairingCodeKey, hmacSign, sha256, md5 } from 'baileys';
import libsignal from 'libsignal';
import curveJs from 'curve25519-js';
import { rng, hex } from './lib.mjs';

// Baileys 6.7.24's Curve.verify returns true for ANY 64-byte signature
// (it only catches exceptions, and libsignal returns false instead of
// throwing), so the oracle is the libsignal call underneath it.
const verify = (pub, msg, sig) => libsignal.curve.verifySignature(Buffer.concat([Buffer.from([5]), pub]), msg, sig) === true;

const H = (b) => (b.length ? hex(b) : '-');

export async function run(tool, t, opts) {
	const r = rng(opts.seed + 7);
	for (let i = 0; i < opts.rounds; i++) {
		const msg = r.bytes(r.int(r.f() < 0.1 ? 5000 : 200));
		const a = Curve.generateKeyPair(), b = Curve.generateKeyPair();
		t.check(await tool.call('x25519pub', hex(a.private)) === hex(a.public), `x25519 public #${i}`);
		t.check(await tool.call('x25519', hex(a.private), hex(b.public)) === hex(Curve.sharedKey(a.private, b.public)), `x25519 shared #${i}`);
		const theirs = Curve.sign(a.private, msg);
		const ours = await tool.call('sign', hex(a.private), H(msg));
		t.check(ours === hex(theirs), `signature bytes #${i}`);
		t.check(await tool.call('verify', hex(a.public), H(msg), hex(theirs)) === '1', `we verify theirs #${i}`);
		if (ours) t.check(verify(a.public, msg, Buffer.from(ours, 'hex')), `they verify ours #${i}`);
		const bad = Buffer.from(theirs); bad[r.int(64)] ^= 1 << r.int(8);
		t.check(await tool.call('verify', hex(a.public), H(msg), hex(bad)) === '0' && !verify(a.public, msg, bad), `tampered signature #${i}`);
		t.check(await tool.call('verify', hex(b.public), H(msg), hex(theirs)) === '0', `wrong key #${i}`);
		// The randomised variant (as libsignal-protocol-c signs) verifies too.
		const rsig = Buffer.from(curveJs.sign(new Uint8Array(a.private), new Uint8Array(msg), new Uint8Array(r.bytes(64))));
		t.check(await tool.call('verify', hex(a.public), H(msg), hex(rsig)) === '1', `verify randomised #${i}`);
		if (msg.length) {
			const m2 = Buffer.from(msg); m2[r.int(m2.length)] ^= 0x80;
			t.check(await tool.call('verify', hex(a.public), H(m2), hex(theirs)) === '0', `tampered message #${i}`);
		}

		t.check(await tool.call('sha256', H(msg)) === hex(sha256(msg)), `sha256 #${i}`);
		t.check(await tool.call('sha512', H(msg)) === createHash('sha512').update(msg).digest('hex'), `sha512 #${i}`);
		t.check(await tool.call('md5', H(msg)) === hex(md5(msg)), `md5 #${i}`);
		const key = r.bytes(r.int(100));
		t.check(await tool.call('hmac', H(key), H(msg)) === hex(hmacSign(msg, key)), `hmac #${i}`);

		const ikm = r.bytes(r.int(80)), salt = r.bytes(r.pick([0, 16, 32, 45])), n = 1 + r.int(200);
		const info = r.pick(['', 'WhatsApp Patch Integrity', 'adv_secret', 'link_code_pairing_key_bundle_encryption_key', 'x'.repeat(r.int(60))]);
		const theirsHkdf = await hkdf(ikm, n, { salt, info });
		t.check(await tool.call('hkdf', H(ikm), H(salt), H(Buffer.from(info)), n) === hex(theirsHkdf), `hkdf #${i}`);

		const k = r.bytes(32), iv = r.bytes(12), aad = r.bytes(r.int(64)), pt = r.bytes(r.int(r.f() < 0.1 ? 70000 : 300));
		const ct = aesEncryptGCM(pt, k, iv, aad);
		t.check(await tool.call('gcmenc', hex(k), hex(iv), H(aad), H(pt)) === hex(ct), `aes-gcm encrypt #${i}`);
		t.check(await tool.call('gcmdec', hex(k), hex(iv), H(aad), hex(ct)) === (pt.length ? hex(pt) : ''), `aes-gcm decrypt #${i}`);
		const tampered = Buffer.from(ct); tampered[r.int(tampered.length)] ^= 1 << r.int(8);
		t.check(await tool.call('gcmdec', hex(k), hex(iv), H(aad), hex(tampered)) === null, `aes-gcm tampered #${i}`);
		const civ = r.bytes(16);
		t.check(await tool.call('ctr', hex(k), hex(civ), H(pt)) === (pt.length ? hex(aesEncryptCTR(pt, k, civ)) : ''), `aes-ctr #${i}`);

		const pass = r.bytes(1 + r.int(20)), it = 1 + r.int(3000), len = 1 + r.int(64);
		t.check(await tool.call('pbkdf2', hex(pass), H(salt), it, len) === pbkdf2Sync(pass, salt, it, len, 'sha256').toString('hex'), `pbkdf2 #${i}`);
	}
	// The pairing-code key itself: 131072 iterations, so a few only.
	for (let i = 0; i < 3; i++) {
		const code = 'ABCDEFGHJKLMNPQRSTVWXYZ123456789'.split('').sort(() => r.f() - 0.5).slice(0, 8).join('');
		const salt = r.bytes(32);
		t.check(await tool.call('pbkdf2', hex(Buffer.from(code)), hex(salt), 131072, 32) === hex(await derivePairingCodeKey(code, salt)), `pairing code key #${i}`);
	}
	console.log(`crypto: ${opts.rounds} rounds of curve, hash, hkdf, aes, pbkdf2`);
}
