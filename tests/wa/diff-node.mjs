// Differential tests of the binary node codec against Baileys.
import { deflateSync } from 'node:zlib';
import { encodeBinaryNode, decodeBinaryNode } from 'baileys';
import * as C from 'baileys/lib/WABinary/constants.js';
import { rng, hex, strHex } from './lib.mjs';

const TOKENS = [...C.SINGLE_BYTE_TOKENS.slice(1), ...C.DOUBLE_BYTE_TOKENS.flat()];
// Names an object literal inherits would hit TOKEN_MAP's prototype.
const PROTO = new Set(Object.getOwnPropertyNames(Object.prototype));
const SERVERS = ['s.whatsapp.net', 'lid', 'g.us', 'c.us', 'broadcast', 'newsletter', 'bot', 'example.org'];

function genString(r, depthHint) {
	switch (r.int(11)) {
	case 0: case 1: return r.pick(TOKENS);
	case 2: { // nibble alphabet, sometimes past the packed limit
		const n = 1 + r.int(r.f() < 0.1 ? 140 : 30);
		let s = ''; for (let i = 0; i < n; i++) s += r.pick('0123456789-.'.split(''));
		return s;
	}
	case 3: {
		const n = 1 + r.int(r.f() < 0.1 ? 140 : 40), lower = r.f() < 0.3;
		let s = ''; for (let i = 0; i < n; i++) s += r.pick((lower ? '0123456789abcdef' : '0123456789ABCDEF').split(''));
		return s;
	}
	case 4: case 5: { // JIDs: pair, AD with device, empty user
		let user = ''; const n = r.f() < 0.1 ? 0 : 1 + r.int(20);
		for (let i = 0; i < n; i++) user += String(r.int(10));
		if (r.f() < 0.15) user = r.pick(['status', 'server', 'abc-def', 'AB12']);
		const server = r.pick(SERVERS);
		// Device 0 is never printed (jidEncode omits it, so does our
		// decoder): a literal ":0" goes out raw, checked below.
		if ((server === 's.whatsapp.net' || server === 'lid') && r.f() < 0.5)
			return `${user}:${1 + r.int(255)}@${server}`;
		return `${user}@${server}`;
	}
	case 6: return '';
	case 7: { // UTF-8 text
		const alpha = ['a', 'b', ' ', 'é', 'ж', '中', '😀', 'Z', '!', '\n'];
		let s = ''; const n = 1 + r.int(depthHint ? 600 : 40);
		for (let i = 0; i < n; i++) s += r.pick(alpha);
		return s;
	}
	default: { // printable ASCII without '@'
		let s = ''; const n = 1 + r.int(r.f() < 0.05 ? 400 : 30);
		for (let i = 0; i < n; i++) { let c = 32 + r.int(95); if (c === 64) c = 65; s += String.fromCharCode(c); }
		return PROTO.has(s) ? s + 'x' : s;
	}
	}
}

function genKey(r) {
	for (;;) {
		const s = r.f() < 0.6 ? r.pick(TOKENS) : genString(r);
		// Integer-like keys would be reordered by JS objects.
		if (s && !/^(0|[1-9]\d*)$/.test(s) && !PROTO.has(s)) return s;
	}
}

export function genNode(r, depth = 0) {
	const node = { tag: '', attrs: {} };
	do node.tag = r.f() < 0.7 ? r.pick(TOKENS) : genString(r); while (!node.tag || PROTO.has(node.tag));
	const na = r.int(r.f() < 0.05 ? 40 : 6);
	for (let i = 0; i < na; i++) {
		const k = genKey(r);
		if (k in node.attrs) continue;
		let v = genString(r); if (PROTO.has(v)) v += 'x';
		node.attrs[k] = v;
	}
	const c = r.int(10);
	if (c < 3 || depth > 5) node.content = undefined;
	else if (c < 5) { let s = genString(r, true); if (PROTO.has(s)) s += 'x'; node.content = s; }
	else if (c < 7) {
		const big = r.f();
		// BINARY_32 starts at 1 MiB: rare, since each costs a few ms per side.
		node.content = r.bytes(big < 0.004 ? (1 << 20) + r.int(1000) : big < 0.02 ? 256 + r.int(70000) : big < 0.15 ? 256 + r.int(3000) : r.int(256));
	} else {
		const n = r.int(r.f() < 0.05 ? 300 : 5);
		node.content = [];
		for (let i = 0; i < n; i++) node.content.push(genNode(r, depth + (n > 50 ? 4 : 1)));
	}
	return node;
}

// Our JSON form (every string hex); Baileys node -> JSON for the C side.
export function toWire(n) {
	let c = null;
	if (typeof n.content === 'string') c = { s: strHex(n.content) };
	else if (Buffer.isBuffer(n.content) || n.content instanceof Uint8Array) c = { b: hex(n.content) };
	else if (Array.isArray(n.content)) c = n.content.map(toWire);
	return { t: strHex(n.tag), a: Object.entries(n.attrs || {}).map(([k, v]) => [strHex(k), strHex(v)]), c };
}

// A Baileys-decoded node in the form wa-tool's "dec" prints.
function fromBaileys(n) {
	let c = null;
	if (typeof n.content === 'string') c = { s: strHex(n.content) };
	else if (Buffer.isBuffer(n.content)) c = { b: hex(n.content) };
	else if (Array.isArray(n.content)) c = n.content.map(fromBaileys);
	return { t: strHex(n.tag), a: Object.entries(n.attrs).map(([k, v]) => [strHex(k), strHex(v)]), c };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// Baileys turns string bytes into JS strings (invalid UTF-8 becomes
// U+FFFD); the C decoder keeps the bytes.  Compare mutants through the
// same lossy step.
// Baileys 6.7.24 also reads an AD-JID's domain byte as s.whatsapp.net for
// 0 and 128 and as lid for anything else, where the protocol has 128 =
// hosted and 129 = hosted.lid (as whatsmeow and we decode them).
const asBaileys = (h) => Buffer.from(h, 'hex').toString('utf8')
	.replace(/^([^@]*)@hosted$/, '$1@s.whatsapp.net')
	.replace(/^([^@]*)@hosted\.lid$/, '$1@lid');
const lossy = (h) => strHex(asBaileys(h));
function utf8View(n) {
	let c = n.c;
	if (c && c.s !== undefined) c = { s: lossy(c.s) };
	else if (Array.isArray(c)) c = c.map(utf8View);
	// Attributes land in a JS object: last duplicate wins, integer-like
	// keys first.
	const a = Object.entries(Object.fromEntries(n.a.map(([k, v]) =>
		[asBaileys(k), lossy(v)]))).map(([k, v]) => [strHex(k), v]);
	return { t: lossy(n.t), a, c };
}

async function baileysDecode(buf) {
	try { return fromBaileys(await decodeBinaryNode(Buffer.from(buf))); } catch { return null; }
}

async function cDecode(tool, buf) {
	const out = await tool.call('dec', hex(buf));
	return out === null ? null : JSON.parse(out);
}

export async function run(tool, t, opts) {
	const r = rng(opts.seed);
	const corpus = [];
	for (let i = 0; i < opts.nodes; i++) {
		const node = genNode(r);
		const theirs = encodeBinaryNode(node);
		const ours = await tool.call('enc', JSON.stringify(toWire(node)));
		if (!t.check(ours === hex(theirs), `encode #${i}`, ours === null ? 'C refused' : `first diff at byte ${firstDiff(ours, hex(theirs))}`))
			continue;
		corpus.push(theirs);
		// Structural agreement of the two decoders on the same bytes.
		const [b, c] = [await baileysDecode(theirs), await cDecode(tool, theirs)];
		t.check(b !== null && c !== null && same(b, c), `decode #${i}`);
		// And through the zlib flag.
		const z = Buffer.concat([Buffer.from([2]), deflateSync(theirs.subarray(1))]);
		const cz = await cDecode(tool, z);
		t.check(cz !== null && same(cz, c), `decode zlib #${i}`);
	}
	// Where Baileys' encoder loses information ours sends the raw string:
	// Baileys must read back exactly what was meant.
	for (const v of ['a_b@s.whatsapp.net', '12_3:4@s.whatsapp.net', '1:256@lid', '1:2@g.us', 'x@y@z',
		'1:007@lid', '5:@lid', 'a:b:c@lid', ':3@lid', 'u:0@s.whatsapp.net', ':0@lid', '7:0@hosted']) {
		const ours = await tool.call('enc', JSON.stringify(toWire({ tag: 'iq', attrs: { to: v } })));
		const back = ours === null ? null : await decodeBinaryNode(Buffer.from(ours, 'hex')).catch(() => null);
		t.check(back?.attrs.to === v, `lossless JID-like string ${v}`, back ? back.attrs.to : 'undecodable');
	}
	// Mutated corpus: whatever the C decoder accepts, Baileys accepts alike.
	let accepted = 0, stricter = 0;
	for (let i = 0; i < opts.mutations; i++) {
		const base = Buffer.from(corpus[r.int(corpus.length)]);
		const m = mutate(r, base);
		const c = await cDecode(tool, m);
		const b = await baileysDecode(m);
		if (c !== null) {
			accepted++;
			t.check(b !== null && same(b, utf8View(c)), `mutant #${i}`, hex(m));
		} else if (b !== null) stricter++;
		else t.pass++;
	}
	console.log(`node codec: ${opts.nodes} generated nodes, ${opts.mutations} mutants (${accepted} decoded by both, ${stricter} rejected only by C)`);
	return corpus;
}

export function mutate(r, b) {
	const m = Buffer.from(b);
	switch (r.int(4)) {
	case 0: return m.subarray(0, r.int(m.length));
	case 1: for (let k = 0; k < 1 + r.int(4); k++) m[1 + r.int(m.length - 1)] ^= 1 << r.int(8); return m;
	case 2: m[1 + r.int(m.length - 1)] = r.pick([0, 236, 240, 245, 247, 248, 249, 250, 251, 252, 253, 254, 255, r.int(256)]); return m;
	default: return Buffer.concat([m, r.bytes(1 + r.int(4))]);
	}
}

function firstDiff(a, b) {
	for (let i = 0; i < Math.max(a.length, b.length); i += 2) if (a.slice(i, i + 2) !== b.slice(i, i + 2)) return i / 2;
	return -1;
}
