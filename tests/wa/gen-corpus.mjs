// Writes the fuzz seed corpora tests/fuzz/corpus/wa_{decode,frame,handshake}/
// from Baileys' encoders.  Usage: node gen-corpus.mjs (output committed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { encodeBinaryNode, Curve, proto } from 'baileys';
import { genNode } from './diff-node.mjs';
import { rng } from './lib.mjs';

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
const d = dir('wa_decode');
nodes.forEach((b, i) => writeFileSync(new URL(`node${i}`, d), b));
writeFileSync(new URL('zlib', d), Buffer.concat([Buffer.from([2]), deflateSync(nodes[0].subarray(1))]));

// WebSocket server frames (unmasked) holding 3-byte-length frames.
const ws = (op, p, fin = true) => {
	const h = p.length < 126 ? Buffer.from([(fin ? 0x80 : 0) | op, p.length]) :
		Buffer.from([(fin ? 0x80 : 0) | op, 126, p.length >> 8, p.length & 255]);
	return Buffer.concat([h, p]);
};
const fr = (p) => Buffer.concat([Buffer.from([p.length >> 16, (p.length >> 8) & 255, p.length & 255]), p]);
const f = dir('wa_frame');
const two = Buffer.concat([fr(nodes[1]), fr(nodes[2])]);
writeFileSync(new URL('two-frames', f), Buffer.concat([Buffer.from([7]), ws(2, two)]));
writeFileSync(new URL('fragmented', f), Buffer.concat([Buffer.from([3]), ws(2, two.subarray(0, 5), false), ws(9, Buffer.from('hi')), ws(0, two.subarray(5))]));
writeFileSync(new URL('split-frame', f), Buffer.concat([Buffer.from([1]), ws(2, two.subarray(0, 9)), ws(2, two.subarray(9))]));
writeFileSync(new URL('close', f), Buffer.concat([Buffer.from([0]), ws(8, Buffer.from([3, 232]))]));

// Server hellos and the protobuf messages behind them.
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
console.log('corpora written');
