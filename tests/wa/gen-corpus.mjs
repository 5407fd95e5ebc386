// Writes the fuzz seed corpora tests/fuzz/corpus/wa_{decode,frame,
// handshake,parse,client}/ from Baileys' encoders.  Usage:
// node gen-corpus.mjs [name...] (default: all; output committed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { encodeBinaryNode, Curve, proto } from 'baileys';
import { genNode } from './diff-node.mjs';
import { rng } from './lib.mjs';

const only = process.argv.slice(2);
const want = (n) => !only.length || only.includes(n);
const dir = (n) => { const d = new URL(`../fuzz/corpus/${n}/`, import.meta.url); mkdirSync(d, { recursive: true }); return d; };
const r = rng(2026);
const nodes = [];
for (let i = 0; nodes.length < 24; i++) {
	const n = genNode(r);
	const b = encodeBinaryNode(n);
	if (b.length < 2000) nodes.push(b);
}
nodes.push(encodeBinaryNode({ tag: 'iq', attrs: { id: '1', to: 's.whatsapp.net', type: 'get', xmlns: 'usync' },
	content: [{ tag: 'usync', attrs: { sid: '2', mode: 'query', last: 'true', index: '0', context: 'interactive' },
		content: [{ tag: 'query', attrs: {}, content: [{ tag: 'contact', attrs: {} }] },
			{ tag: 'list', attrs: {}, content: [{ tag: 'user', attrs: {}, content: [{ tag: 'contact', attrs: {}, content: '+5511999999999' }] }] }] }] }));
nodes.push(encodeBinaryNode({ tag: 'message', attrs: { from: '123456789:3@s.whatsapp.net', participant: '987@lid', notify: 'Ana' } }));
if (want('wa_decode')) {
const d = dir('wa_decode');
nodes.forEach((b, i) => writeFileSync(new URL(`node${i}`, d), b));
writeFileSync(new URL('zlib', d), Buffer.concat([Buffer.from([2]), deflateSync(nodes[0].subarray(1))]));
}

// WebSocket server frames (unmasked) holding 3-byte-length frames.
const ws = (op, p, fin = true) => {
	const h = p.length < 126 ? Buffer.from([(fin ? 0x80 : 0) | op, p.length]) :
		Buffer.from([(fin ? 0x80 : 0) | op, 126, p.length >> 8, p.length & 255]);
	return Buffer.concat([h, p]);
};
const fr = (p) => Buffer.concat([Buffer.from([p.length >> 16, (p.length >> 8) & 255, p.length & 255]), p]);
if (want('wa_frame')) {
const f = dir('wa_frame');
const two = Buffer.concat([fr(nodes[1]), fr(nodes[2])]);
writeFileSync(new URL('two-frames', f), Buffer.concat([Buffer.from([7]), ws(2, two)]));
writeFileSync(new URL('fragmented', f), Buffer.concat([Buffer.from([3]), ws(2, two.subarray(0, 5), false), ws(9, Buffer.from('hi')), ws(0, two.subarray(5))]));
writeFileSync(new URL('split-frame', f), Buffer.concat([Buffer.from([1]), ws(2, two.subarray(0, 9)), ws(2, two.subarray(9))]));
writeFileSync(new URL('close', f), Buffer.concat([Buffer.from([0]), ws(8, Buffer.from([3, 232]))]));
}

// Server hellos and the protobuf messages behind them.
if (want('wa_handshake')) {
const h = dir('wa_handshake');
const k = () => Curve.generateKeyPair().public;
const hello = proto.HandshakeMessage.encode({ serverHello: { ephemeral: k(), static: r.bytes(48), payload: r.bytes(300) } }).finish();
writeFileSync(new URL('server-hello', h), Buffer.concat([Buffer.from([4]), hello]));
const det = proto.CertChain.NoiseCertificate.Details.encode({ serial: 1, issuerSerial: 0, key: k(), notBefore: 1, notAfter: 2e9 }).finish();
const chain = proto.CertChain.encode({ leaf: { details: det, signature: r.bytes(64) }, intermediate: { details: det, signature: r.bytes(64) } }).finish();
// Odd first bytes pick wa_pb_all[(b / 2) % n]: 11 = CertChain (index 5), 9 = Details (4).
writeFileSync(new URL('cert-chain', h), Buffer.concat([Buffer.from([11]), chain]));
writeFileSync(new URL('cert-details', h), Buffer.concat([Buffer.from([9]), det]));
writeFileSync(new URL('handshake', h), Buffer.concat([Buffer.from([5]), hello]));
// 2 mod 4: a chain the harness encrypts into a valid server hello.
writeFileSync(new URL('chain-encrypted', h), Buffer.concat([Buffer.from([2]), chain]));
}

// Server stanzas as the session core reads them (no flag byte).
const N = (tag, attrs = {}, content) => encodeBinaryNode({ tag, attrs, content }).subarray(1);
const K = (tag, attrs = {}, content) => ({ tag, attrs, content });
const S = '@s.whatsapp.net';
const vname = proto.VerifiedNameCertificate.encode({ details: proto.VerifiedNameCertificate.Details.encode({ serial: 1, verifiedName: 'Acme' }).finish() }).finish();
const usync = K('iq', { from: S, type: 'result', id: '1' }, [K('usync', {}, [
	K('result', {}, [K('contact', {}, [K('error', { code: '429', backoff: '60' })])]),
	K('list', {}, [
		K('user', { jid: '15550000001@s.whatsapp.net' }, [K('contact', { type: 'in' }, '+15550000001'), K('lid', { val: '111@lid' }),
			K('business', {}, [K('verified_name', {}, vname)]), K('status', { t: '1700000000' }, Buffer.from('hey'))]),
		K('user', { jid: '222@lid', pn_jid: '15550000002@s.whatsapp.net' }, [K('contact', { type: 'out' }, '+15550000002'), K('status', { code: '401' })])])])]);
const groups = K('iq', { from: S, type: 'result', id: '2' }, [K('groups', {}, [
	K('group', { id: '120363000000001', subject: 'Friends', s_t: '1', creator: '1555@s.whatsapp.net', creation: '2', size: '2' }, [
		K('participant', { jid: '333@lid', type: 'superadmin', phone_number: '15550000009@s.whatsapp.net' }),
		K('participant', { jid: '15550000001@s.whatsapp.net', lid: '111@lid' }),
		K('description', { id: 'd' }, [K('body', {}, 'text')]), K('announcement'), K('ephemeral', { expiration: '86400' })])])]);
const gp2 = K('notification', { from: '120363000000001@g.us', type: 'w:gp2', id: '3', participant: '333@lid', notify: 'Zoe', t: '1' }, [
	K('add', {}, [K('participant', { jid: '444@lid', phone_number: '15550000004@s.whatsapp.net' })]), K('subject', { subject: 'New' }),
	K('description', {}, [K('delete')]), K('create', {}, [groups.content[0].content[0]])]);
const msg = K('message', { from: '15550000005@s.whatsapp.net', id: '4', type: 'text', notify: 'Ann', sender_lid: '555@lid', t: '1' },
	[K('enc', { type: 'pkmsg' }, Buffer.from([1, 2])), K('verified_name', {}, vname)]);
const pairDevice = K('iq', { from: S, type: 'set', id: '5' }, [K('pair-device', {}, [K('ref', {}, Buffer.from('2@AAAA')), K('ref', {}, Buffer.from('2@BBBB'))])]);
const adv = proto.ADVSignedDeviceIdentityHMAC.encode({ details: proto.ADVSignedDeviceIdentity.encode({
	details: proto.ADVDeviceIdentity.encode({ rawId: 1, keyIndex: 2 }).finish(), accountSignatureKey: r.bytes(32), accountSignature: r.bytes(64) }).finish(),
	hmac: r.bytes(32) }).finish();
const pairSuccess = K('iq', { from: S, type: 'set', id: '6' }, [K('pair-success', {}, [K('device-identity', {}, adv),
	K('device', { jid: '15551234567:7@s.whatsapp.net', lid: '99:7@lid' }), K('platform', { name: 'android' }), K('biz', { name: 'Acme' })])]);
const linkCode = K('notification', { from: S, type: 'link_code_companion_reg', id: '7' }, [K('link_code_companion_reg', {}, [
	K('link_code_pairing_ref', {}, Buffer.from('REF')), K('link_code_pairing_wrapped_primary_ephemeral_pub', {}, r.bytes(80)),
	K('primary_identity_pub', {}, r.bytes(32))])]);
const tokens = K('notification', { from: '15550000002@s.whatsapp.net', sender_lid: '222@lid', type: 'privacy_token', id: '8', t: '1' },
	[K('tokens', {}, [K('token', { jid: '222@lid', t: '1790000000', type: 'trusted_contact' }, Buffer.from([1, 2, 3]))])]);
const enc = (k) => encodeBinaryNode(k).subarray(1);
if (want('wa_parse')) {
	const p = dir('wa_parse');
	const seeds = { usync: [0, usync], groups: [1, groups], gp2: [2, gp2], message: [3, msg], 'pair-device': [4, pairDevice],
		'pair-success': [5, pairSuccess], 'link-code': [6, linkCode], count: [7, K('iq', { type: 'result' }, [K('count', { value: '3' })])],
		failure: [8, K('failure', { reason: '402', code: '101', expire: '3600' })],
		'stream-error': [8, K('stream:error', { code: '401' }, [K('conflict', { type: 'device_removed' })])],
		'iq-error': [9, K('iq', { type: 'error', id: '9' }, [K('error', { code: '429', backoff: '30' })])], tokens: [9, tokens] };
	for (const [name, [sel, node]] of Object.entries(seeds)) writeFileSync(new URL(name, p), Buffer.concat([Buffer.from([sel]), enc(node)]));
	writeFileSync(new URL('sw-js', p), Buffer.concat([Buffer.from([11]), Buffer.from('self.x={\\"client_revision\\":1045649367};')]));
}
// wa_client: records op | len16 | bytes (see tests/fuzz/wa_client.c).
const rec = (op, b) => { const h = Buffer.alloc(3); h[0] = op; h.writeUInt16BE(b.length, 1); return Buffer.concat([h, b]); };
if (want('wa_client')) {
	const c = dir('wa_client');
	const ans = (content) => rec(4, enc(K('iq', { from: S }, content)));
	writeFileSync(new URL('login', c), Buffer.concat([Buffer.from([1]), rec(0, enc(K('success', { t: '1790000000', lid: '99:7@lid' }))),
		ans([K('count', { value: '0' })]), ans(), ans(), rec(2, Buffer.from([0])), ans(usync.content), rec(2, Buffer.from([1])), ans(usync.content),
		rec(2, Buffer.from([2])), ans(groups.content), rec(0, enc(gp2)), rec(0, enc(msg)), rec(0, enc(tokens)),
		rec(0, enc(K('ib', {}, [K('offline_preview', { count: '1' })]))), rec(1, Buffer.from([25])), ans(), rec(1, Buffer.from([95])),
		rec(2, Buffer.from([4])), ans()]));
	writeFileSync(new URL('register', c), Buffer.concat([Buffer.from([0]), rec(0, enc(pairDevice)), rec(1, Buffer.from([60])),
		rec(0, enc(linkCode)), rec(0, enc(pairSuccess)), rec(0, enc(K('stream:error', { code: '515' })))]));
	writeFileSync(new URL('failure', c), Buffer.concat([Buffer.from([1]), rec(0, enc(K('failure', { reason: '405' })))]));
	writeFileSync(new URL('garbage', c), Buffer.concat([Buffer.from([1]), rec(0, Buffer.from([0xf8, 0x02, 0x19])), rec(3, r.bytes(20))]));
}
console.log('corpora written');
