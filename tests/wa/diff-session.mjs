// Differential tests of the session core (src/wa/wa_client's modules)
// against Baileys 6.7.24 where it is deterministic:
//   - the pair-device-sign reply, byte for byte against
//     configureSuccessfulPairing for the same stanza and credentials;
//   - the phone-code crypto against derivePairingCodeKey, aesEncryptCTR,
//     hkdf, aesEncryptGCM, Curve.sharedKey and bytesToCrockford;
//   - the session's stanzas (ping, passive, prekey count and upload,
//     acks, logout, offline batch, usync check and about, w:g2 queries)
//     against encodeBinaryNode of the nodes Baileys builds;
//   - replies parsed by USyncQuery.parseUSyncQueryResult (contact, lid,
//     status) and extractGroupMetadata, compared field by field.
// Where we deliberately differ from Baileys the test says so.
import { encodeBinaryNode, configureSuccessfulPairing, initAuthCreds, Curve, proto, hmacSign,
	bytesToCrockford, derivePairingCodeKey, aesEncryptCTR, aesDecryptCTR, hkdf, aesEncryptGCM,
	xmppPreKey, xmppSignedPreKey, encodeBigEndian, KEY_BUNDLE_TYPE, S_WHATSAPP_NET,
	USyncQuery, USyncUser, getBinaryNodeChild } from 'baileys';
import { extractGroupMetadata } from 'baileys/lib/Socket/groups.js';
import libsignal from 'libsignal';
import { rng, hex } from './lib.mjs';

const H = (b) => hex(b);
const txt = (s) => Buffer.from(s).toString('hex');
const K = (tag, attrs = {}, content) => (content === undefined ? { tag, attrs } : { tag, attrs, content });
const enc = (n) => hex(encodeBinaryNode(n));
const digits = (r, n) => String(1 + r.int(9)) + Array.from({ length: n - 1 }, () => r.int(10)).join('');

// The phone's pair-success for creds, with a random key index and device.
function pairSuccess(r, creds, tamper) {
	const acct = Curve.generateKeyPair();
	const details = Buffer.from(proto.ADVDeviceIdentity.encode({ rawId: r.int(1e6), timestamp: 1790000000 + r.int(1000),
		keyIndex: r.int(50) }).finish());
	const sig = Buffer.from(Curve.sign(acct.private, Buffer.concat([Buffer.from([6, 0]), details, creds.signedIdentityKey.public])));
	if (tamper === 'sig') sig[r.int(64)] ^= 1 << r.int(8);
	const signed = Buffer.from(proto.ADVSignedDeviceIdentity.encode({ details, accountSignatureKey: acct.public, accountSignature: sig }).finish());
	const mac = hmacSign(signed, Buffer.from(creds.advSecretKey, 'base64'));
	if (tamper === 'hmac') mac[0] ^= 1;
	const container = proto.ADVSignedDeviceIdentityHMAC.encode({ details: signed, hmac: mac }).finish();
	const dev = r.int(90) + 1, user = digits(r, 11);
	return { acct, stanza: K('iq', { from: S_WHATSAPP_NET, type: 'set', id: `${r.int(65536)}.${r.int(65536)}-${1 + r.int(99)}` }, [
		K('pair-success', {}, [K('device-identity', {}, container),
			K('device', { jid: `${user}:${dev}@s.whatsapp.net`, lid: `${digits(r, 14)}:${dev}@lid` }),
			K('platform', { name: r.pick(['android', 'iphone', 'smba']) })])]) };
}

async function pairSign(tool, t, r) {
	for (let i = 0; i < 60; i++) {
		const creds = initAuthCreds();
		const { acct, stanza } = pairSuccess(r, creds);
		const { reply } = configureSuccessfulPairing(stanza, creds);
		const out = await tool.call('pairsign', enc(stanza), H(creds.signedIdentityKey.private),
			H(Buffer.from(creds.advSecretKey, 'base64')));
		t.check(out === `0 ${enc(reply)}`, `pair-device-sign reply = configureSuccessfulPairing #${i}`, out?.slice(0, 60));
		// And the device signature verifies under libsignal.
		const si = proto.ADVSignedDeviceIdentity.decode(getBinaryNodeChild(getBinaryNodeChild(reply, 'pair-device-sign'),
			'device-identity').content);
		const msg = Buffer.concat([Buffer.from([6, 1]), si.details, creds.signedIdentityKey.public, acct.public]);
		t.check(libsignal.curve.verifySignature(Buffer.concat([Buffer.from([5]), creds.signedIdentityKey.public]), msg,
			si.deviceSignature) === true, `device signature verifies #${i}`);
	}
	// A forged account signature: Baileys 6.7.24 signs anyway (its
	// Curve.verify accepts any 64 bytes); we answer 401 signature-mismatch.
	for (let i = 0; i < 10; i++) {
		const creds = initAuthCreds();
		const { stanza } = pairSuccess(r, creds, 'sig');
		let baileys = 'accepted';
		try { configureSuccessfulPairing(stanza, creds); } catch { baileys = 'refused'; }
		const out = await tool.call('pairsign', enc(stanza), H(creds.signedIdentityKey.private),
			H(Buffer.from(creds.advSecretKey, 'base64')));
		const want = enc(K('iq', { to: S_WHATSAPP_NET, type: 'error', id: stanza.attrs.id },
			[K('error', { code: '401', text: 'signature-mismatch' })]));
		t.check(out === `3 ${want}` && baileys === 'accepted', `forged account signature refused #${i}`, `${out?.slice(0, 4)} ${baileys}`);
	}
	for (let i = 0; i < 10; i++) {
		const creds = initAuthCreds();
		const { stanza } = pairSuccess(r, creds, 'hmac');
		let baileys = 'accepted';
		try { configureSuccessfulPairing(stanza, creds); } catch { baileys = 'refused'; }
		const out = await tool.call('pairsign', enc(stanza), H(creds.signedIdentityKey.private),
			H(Buffer.from(creds.advSecretKey, 'base64')));
		t.check(out?.startsWith('2 ') && baileys === 'refused', `bad HMAC refused by both #${i}`);
	}
}

async function pairCode(tool, t, r) {
	for (let i = 0; i < 200; i++) {
		const raw = r.bytes(5);
		t.check(await tool.call('pcencode', H(raw)) === txt(bytesToCrockford(raw)), `pairing code bytesToCrockford #${i}`);
	}
	// 131072 PBKDF2 rounds per key: a few rounds only.
	for (let i = 0; i < 4; i++) {
		const code = bytesToCrockford(r.bytes(5));
		const comp = Curve.generateKeyPair(), prim = Curve.generateKeyPair();
		const salt = r.bytes(32), iv = r.bytes(16);
		const key = await derivePairingCodeKey(code, salt);
		const theirs = Buffer.concat([salt, iv, aesEncryptCTR(comp.public, key, iv)]);
		t.check(await tool.call('pcwrap', txt(code), H(salt), H(iv), H(comp.public)) === H(theirs), `wrapped key = aesEncryptCTR(derivePairingCodeKey) #${i}`);
		t.check(await tool.call('pcunwrap', txt(code), H(theirs)) === H(aesDecryptCTR(theirs.subarray(48), key, iv)), `unwrapped key = aesDecryptCTR #${i}`);
		const eph = Curve.sharedKey(comp.private, prim.public);
		t.check(await tool.call('x25519', H(comp.private), H(prim.public)) === H(eph), `ephemeral secret = Curve.sharedKey #${i}`);
		const ident = Curve.generateKeyPair(), primaryIdent = Curve.generateKeyPair();
		const bsalt = r.bytes(32), nonce = r.bytes(12), advRand = r.bytes(32);
		const bk = await hkdf(eph, 32, { salt: bsalt, info: 'link_code_pairing_key_bundle_encryption_key' });
		const bundle = Buffer.concat([bsalt, nonce, aesEncryptGCM(Buffer.concat([ident.public, primaryIdent.public, advRand]), bk, nonce, Buffer.alloc(0))]);
		t.check(await tool.call('pcbundle', H(eph), H(bsalt), H(nonce), H(ident.public), H(primaryIdent.public), H(advRand)) === H(bundle),
			`key bundle = hkdf + aesEncryptGCM #${i}`);
		const identShared = Curve.sharedKey(ident.private, primaryIdent.public);
		const adv = await hkdf(Buffer.concat([eph, identShared, advRand]), 32, { info: 'adv_secret' });
		t.check(await tool.call('pcadv', H(eph), H(identShared), H(advRand)) === H(adv), `adv secret = hkdf(adv_secret) #${i}`);
	}
}

// Baileys' sendMessageAck (messages-recv.js), as it builds the node.
function baileysAck({ tag, attrs }) {
	const a = { id: attrs.id, to: attrs.from, class: tag };
	if (attrs.participant) a.participant = attrs.participant;
	if (attrs.recipient) a.recipient = attrs.recipient;
	if (attrs.type) a.type = attrs.type;	// errorCode undefined !== 0
	return K('ack', a);
}

// Baileys' executeUSyncQuery node (usync.js) for a USyncQuery.
function baileysUsync(q, id, sid) {
	return K('iq', { to: S_WHATSAPP_NET, type: 'get', xmlns: 'usync', id }, [K('usync', { context: q.context, mode: q.mode, sid, last: 'true', index: '0' }, [
		K('query', {}, q.protocols.map((p) => p.getQueryElement())),
		K('list', {}, q.users.map((u) => K('user', { jid: !u.phone ? u.id : undefined }, q.protocols.map((p) => p.getUserElement(u)).filter((x) => x !== null))))])]);
}
// WhatsApp Web's business protocol, which Baileys 6.7.24 lacks.
const business = { name: 'business', getQueryElement: () => K('business', {}, [K('verified_name')]), getUserElement: () => null, parser: () => null };

async function stanzas(tool, t, r) {
	const id = () => `${r.int(65536)}.${r.int(65536)}-${1 + r.int(9999)}`;
	for (let i = 0; i < 30; i++) {
		const q = id();
		// Baileys' keepalive plus <ping/>; whatsmeow (and we) send none.
		t.check(await tool.call('stanza', 'ping', q) === enc(K('iq', { id: q, to: S_WHATSAPP_NET, type: 'get', xmlns: 'w:p' })), `ping #${i}`);
		t.check(await tool.call('stanza', 'passive', q) === enc(K('iq', { to: S_WHATSAPP_NET, xmlns: 'passive', type: 'set', id: q }, [K('active')])), `passive active #${i}`);
		t.check(await tool.call('stanza', 'count', q) === enc(K('iq', { id: q, xmlns: 'encrypt', type: 'get', to: S_WHATSAPP_NET }, [K('count')])), `prekey count #${i}`);
		const me = `${digits(r, 11)}:${1 + r.int(90)}@s.whatsapp.net`;
		t.check(await tool.call('stanza', 'logout', q, me) === enc(K('iq', { to: S_WHATSAPP_NET, type: 'set', id: q, xmlns: 'md' },
			[K('remove-companion-device', { jid: me, reason: 'user_initiated' })])), `logout #${i}`);
		t.check(await tool.call('stanza', 'iqresult', S_WHATSAPP_NET, q) === enc(K('iq', { to: S_WHATSAPP_NET, type: 'result', id: q })), `pair-device result #${i}`);
		t.check(await tool.call('stanza', 'groups', q) === enc(K('iq', { to: '@g.us', xmlns: 'w:g2', type: 'get', id: q },
			[K('participating', {}, [K('participants'), K('description')])])), `groups query #${i}`);
		const g = `${digits(r, 18)}@g.us`;
		t.check(await tool.call('stanza', 'group', q, g) === enc(K('iq', { type: 'get', xmlns: 'w:g2', to: g, id: q }, [K('query', { request: 'interactive' })])), `group query #${i}`);
	}
	t.check(await tool.call('stanza', 'offline', '100') === enc(K('ib', {}, [K('offline_batch', { count: '100' })])), 'offline batch');

	// Acks for random stanzas of each class.
	for (let i = 0; i < 200; i++) {
		const tag = r.pick(['message', 'receipt', 'notification', 'call']);
		const attrs = { from: r.pick([`${digits(r, 11)}@s.whatsapp.net`, `${digits(r, 14)}:3@lid`, `${digits(r, 18)}@g.us`, S_WHATSAPP_NET]), id: id() };
		if (r.f() < 0.5) attrs.participant = r.f() < 0.2 ? '' : `${digits(r, 14)}@lid`;
		if (r.f() < 0.3) attrs.recipient = `${digits(r, 11)}@s.whatsapp.net`;
		if (r.f() < 0.7) attrs.type = r.pick(['text', 'read', 'w:gp2', 'encrypt', 'media', '']);
		if (r.f() < 0.3) attrs.t = String(1790000000 + r.int(999));
		const node = K(tag, attrs);
		const want = baileysAck(node);
		// Deliberate: whatsmeow's ack for a message carries no type.
		if (tag === 'message') delete want.attrs.type;
		const json = JSON.stringify({ t: txt(tag), a: Object.entries(attrs).map(([k, v]) => [txt(k), v.length ? txt(v) : '-']), c: null });
		t.check(await tool.call('stanza', 'ack', json) === enc(want), `ack #${i} (${tag})`);
	}

	// usync check: many numbers in one query; about with and without a token.
	for (let i = 0; i < 40; i++) {
		const q = id(), sid = id();
		const phones = Array.from({ length: 1 + r.int(r.f() < 0.2 ? 200 : 10) }, () => digits(r, 7 + r.int(9)));
		const uq = new USyncQuery().withContactProtocol().withLIDProtocol();
		uq.protocols.push(business);
		for (const p of phones) uq.withUser(new USyncUser().withPhone(`+${p}`));
		const ours = await tool.call('stanza', 'check', q, sid, ...phones.map((p) => (r.f() < 0.5 ? `+${p}` : p)));
		t.check(ours === enc(baileysUsync(uq, q, sid)), `usync check of ${phones.length} numbers #${i}`);
		const jid = r.f() < 0.5 ? `${digits(r, 11)}@s.whatsapp.net` : `${digits(r, 15)}@lid`;
		const sq = new USyncQuery().withStatusProtocol().withUser(new USyncUser().withId(jid));
		t.check(await tool.call('stanza', 'about', q, sid, jid) === enc(baileysUsync(sq, q, sid)), `usync about #${i}`);
		// With a privacy token (whatsmeow's <tctoken>; Baileys sends none).
		const tok = r.bytes(1 + r.int(40));
		const tq = baileysUsync(sq, q, sid);
		tq.content[0].content[1].content[0].content = [K('tctoken', {}, tok)];
		t.check(await tool.call('stanza', 'about', q, sid, jid, H(tok)) === enc(tq), `usync about with tctoken #${i}`);
	}

	// Prekey upload against Baileys' xmppPreKey / xmppSignedPreKey.
	for (let i = 0; i < 20; i++) {
		const ident = Curve.generateKeyPair(), spk = Curve.generateKeyPair();
		const sig = Curve.sign(ident.private, Buffer.concat([KEY_BUNDLE_TYPE, spk.public]));
		const regId = 1 + r.int(16383), spkId = 1 + r.int((1 << 24) - 2), first = r.f() < 0.2 ? 0xfffff0 + r.int(15) : 1 + r.int(1000), n = r.int(40);
		const out = await tool.call('prekeys', H(r.bytes(32)), H(ident.private), H(spk.private), H(sig), regId, spkId, first, n);
		const o = JSON.parse(out);
		const want = K('iq', { xmlns: 'encrypt', type: 'set', to: S_WHATSAPP_NET, id: 'pk-1' }, [
			K('registration', {}, encodeBigEndian(regId)), K('type', {}, KEY_BUNDLE_TYPE), K('identity', {}, ident.public),
			K('list', {}, o.keys.map(([kid, pub]) => xmppPreKey({ public: Buffer.from(pub, 'hex') }, kid))),
			xmppSignedPreKey({ keyId: spkId, keyPair: spk, signature: sig })]);
		t.check(o.node === enc(want), `prekey upload of ${n} keys = getNextPreKeysNode shape #${i}`);
		t.check(o.identity === H(ident.public) && o.spk === H(spk.public), `prekey keys #${i}`);
	}
}

// Random usync answers; Baileys' parser (contact, lid, status) vs ours.
async function usyncParse(tool, t, r) {
	const q = new USyncQuery().withContactProtocol().withLIDProtocol().withStatusProtocol();
	for (let i = 0; i < 200; i++) {
		const users = [];
		const n = r.int(8);
		for (let k = 0; k < n; k++) {
			const byLid = r.f() < 0.4, pn = `${digits(r, 11)}@s.whatsapp.net`, lid = `${digits(r, 15)}@lid`;
			const kids = [];
			if (r.f() < 0.8) kids.push(K('contact', { type: r.pick(['in', 'out']) }, `+${pn.split('@')[0]}`));
			if (!byLid && r.f() < 0.8) kids.push(K('lid', { val: lid }));
			if (r.f() < 0.6) {
				const st = r.int(3);
				kids.push(st === 0 ? K('status', { t: String(r.int(2e9)) }, Buffer.from(r.pick(['Hey there', 'ünïcode 😀', 'x'.repeat(r.int(200) + 1)])))
					: st === 1 ? K('status', { code: '401', t: '0' }) : K('status', { t: String(r.int(2e9)) }));
			}
			users.push(K('user', byLid ? { jid: lid, pn_jid: pn } : { jid: pn }, kids));
		}
		const node = K('iq', { from: S_WHATSAPP_NET, type: 'result', id: '1' }, [K('usync', {}, [K('list', {}, users)])]);
		const theirs = q.parseUSyncQueryResult(node).list;
		const out = await tool.call('usyncparse', enc(node));
		const ours = out === null ? null : JSON.parse(out).users;
		let ok = ours !== null && ours.length === theirs.length;
		for (let k = 0; ok && k < theirs.length; k++) {
			const b = theirs[k], c = ours[k], byLid = users[k].attrs.pn_jid !== undefined;
			ok = b.id === c.jid && (b.contact === undefined ? c.contact === 'unknown' : (b.contact ? c.contact === 'in' : c.contact === 'out')) &&
				(byLid ? c.lid === b.id && c.pn === users[k].attrs.pn_jid : (b.lid ?? null) === c.lid);
			if (ok && b.status !== undefined) {
				const s = b.status.status;
				ok = (s === null ? c.about === 'unset' : s === '' ? c.about === 'hidden' : c.about === 'text' && c.text === txt(s)) &&
					b.status.setAt.getTime() === c.t * 1000;
			} else if (ok)
				ok = c.about === 'none';
		}
		t.check(ok, `usync answer parsed like parseUSyncQueryResult #${i}`, JSON.stringify(theirs).slice(0, 200));
	}
}

// Random <group> answers; extractGroupMetadata vs ours.
async function groupParse(tool, t, r) {
	for (let i = 0; i < 200; i++) {
		const attrs = { id: r.f() < 0.3 ? `${digits(r, 11)}-${digits(r, 10)}` : digits(r, 18) };
		if (r.f() < 0.9) attrs.subject = r.pick(['Friends', 'Família 👪', 'x'.repeat(1 + r.int(100))]);
		if (r.f() < 0.8) attrs.s_t = String(r.int(2e9));
		if (r.f() < 0.5) attrs.s_o = `${digits(r, 11)}@s.whatsapp.net`;
		if (r.f() < 0.9) attrs.creation = String(r.int(2e9));
		if (r.f() < 0.7) attrs.creator = `${digits(r, 11)}@s.whatsapp.net`;
		const members = [];
		for (let k = 0, n = r.int(12); k < n; k++) {
			const a = r.f() < 0.5 ? { jid: `${digits(r, 15)}@lid`, phone_number: `${digits(r, 11)}@s.whatsapp.net` }
				: { jid: `${digits(r, 11)}@s.whatsapp.net`, lid: `${digits(r, 15)}@lid` };
			if (r.f() < 0.3) a.type = r.pick(['admin', 'superadmin']);
			members.push(K('participant', a));
		}
		if (r.f() < 0.6) attrs.size = String(members.length + r.int(3));
		const kids = [...members];
		if (r.f() < 0.5) kids.push(K('description', { id: `D${r.int(99)}`, t: '5' }, [K('body', {}, r.pick(['rules', 'ñ'.repeat(1 + r.int(50))]))]));
		if (r.f() < 0.3) kids.push(K('announcement'));
		if (r.f() < 0.3) kids.push(K('locked'));
		if (r.f() < 0.3) kids.push(K('ephemeral', { expiration: String(r.pick([86400, 604800, 7776000])) }));
		const node = K('iq', { from: '@g.us', type: 'result', id: '1' }, [K('group', attrs, kids)]);
		const b = extractGroupMetadata(node);
		const out = await tool.call('groupparse', enc(node));
		const c = out === null ? null : JSON.parse(out)[0];
		let ok = !!c && b.id === c.jid && (b.subject ?? null) === c.subject && (b.subjectOwner ?? null) === c.subject_owner &&
			(Number.isNaN(b.subjectTime) ? 0 : b.subjectTime) === c.subject_t && b.size === c.size &&
			(Number.isNaN(b.creation) ? 0 : b.creation) === c.creation && (b.owner ?? null) === c.owner &&
			(b.desc === undefined ? c.desc === undefined : c.desc === txt(b.desc)) && (b.descId ?? null) === c.desc_id &&
			b.restrict === c.locked && b.announce === c.announce && (b.ephemeralDuration ?? 0) === c.ephemeral &&
			b.participants.length === c.members.length;
		for (let k = 0; ok && k < b.participants.length; k++) {
			const p = b.participants[k], m = c.members[k];
			ok = p.id === m.jid && p.jid === m.pn && p.lid === m.lid && (p.admin ?? 'member') === m.role;
		}
		t.check(ok, `group parsed like extractGroupMetadata #${i}`, JSON.stringify(b).slice(0, 200));
	}
}

export async function run(tool, t, opts) {
	const r = rng(opts.seed + 31);
	await pairSign(tool, t, r);
	await pairCode(tool, t, r);
	await stanzas(tool, t, r);
	await usyncParse(tool, t, r);
	await groupParse(tool, t, r);
	console.log('session: pair-device-sign, pairing-code crypto, session stanzas, usync and group answers');
}
