// Differential tests of src/wa's protobuf messages against Baileys'
// WAProto: the C field tables are checked against the .proto reflection,
// then random messages must encode to the same bytes as proto.X.encode
// and decode back to what was encoded.
import { createRequire } from 'node:module';
import { proto, Curve } from 'baileys';
import { rng, hex, loginPayload, registrationPayload } from './lib.mjs';

const require = createRequire(import.meta.url);
const protobuf = require('protobufjs');
import { readFileSync } from 'node:fs';
// The shipped proto3 file has a few proto2 'required' labels protobufjs
// refuses; they are irrelevant to the messages checked here.
const root = protobuf.parse(readFileSync(require.resolve('baileys/WAProto/WAProto.proto'), 'utf8')
	.replace(/\brequired\b/g, 'optional')).root;
root.resolveAll();

const TOP = ['HandshakeMessage', 'CertChain', 'CertChain.NoiseCertificate', 'CertChain.NoiseCertificate.Details',
	'ClientPayload', 'DeviceProps', 'ADVSignedDeviceIdentityHMAC', 'ADVSignedDeviceIdentity', 'ADVDeviceIdentity',
	'VerifiedNameCertificate', 'VerifiedNameCertificate.Details'];

function checkSchema(t, schema, T, path) {
	for (const f of schema.fields) {
		const rf = T.fields[f.name];
		if (!t.check(rf && rf.id === f.num, `schema ${path}.${f.name}`, rf ? `number ${f.num} vs ${rf.id}` : 'no such field')) continue;
		rf.resolve();
		const rt = rf.resolvedType;
		const ok = f.type === 'msg' ? rt instanceof protobuf.Type :
			f.type === 'uint' ? (rt instanceof protobuf.Enum || ['uint32', 'uint64', 'int32'].includes(rf.type)) :
			f.type === 'bytes' ? ['bytes', 'string'].includes(rf.type) : rf.type === f.type;
		t.check(ok && !rf.repeated, `schema type ${path}.${f.name}`, `${f.type} vs ${rf.type}`);
		if (f.type === 'msg' && ok) checkSchema(t, f.sub, rt, `${path}.${f.name}`);
	}
}

// Returns [protobufjs object, our JSON].
function gen(r, schema, T) {
	const obj = {}, ours = {};
	for (const f of schema.fields) {
		if (r.f() < 0.3) continue;
		const rf = T.fields[f.name];
		if (f.type === 'msg') {
			const [o, j] = gen(r, f.sub, rf.resolvedType);
			obj[f.name] = o; ours[f.name] = j;
		} else if (f.type === 'bool') {
			obj[f.name] = ours[f.name] = r.f() < 0.5;
		} else if (f.type === 'sfixed32') {
			const v = r.int(2 ** 32) - 2 ** 31;
			obj[f.name] = v; ours[f.name] = String(v >>> 0);
		} else if (f.type === 'uint') {
			let v;
			if (rf.resolvedType instanceof protobuf.Enum) v = String(r.pick(Object.values(rf.resolvedType.values)));
			else if (rf.type === 'uint64') v = (BigInt(r.int(2 ** 32)) << BigInt(r.int(33))).toString();
			else if (rf.type === 'int32') v = String(r.int(2 ** 31));
			else v = String(r.f() < 0.3 ? r.int(200) : r.int(2 ** 32));
			obj[f.name] = rf.type === 'uint64' ? v : Number(v); ours[f.name] = v;
		} else if (rf.type === 'string') {
			const s = r.pick(['', 'en', 'US', '0.1', 'Desktop', 'Chrome (Linux)', 'ü€😀x'.repeat(r.int(4))]);
			obj[f.name] = s; ours[f.name] = Buffer.from(s).toString('hex');
		} else {
			const b = r.bytes(r.pick([0, 1, 3, 4, 32, 64, 200, 300]));
			obj[f.name] = b; ours[f.name] = hex(b);
		}
	}
	return [obj, ours];
}

const staticType = (name) => name.split('.').reduce((o, k) => o[k], proto);
const canon = (o) => JSON.stringify(o, Object.keys(flat(o)).sort());
function flat(o, acc = {}) { for (const [k, v] of Object.entries(o)) { acc[k] = 1; if (v && typeof v === 'object') flat(v, acc); } return acc; }

export async function run(tool, t, opts) {
	const schemas = JSON.parse(await tool.call('pbschema'));
	const r = rng(opts.seed + 11);
	let n = 0;
	for (const name of TOP) {
		const schema = schemas.find((s) => s.name === name);
		if (!t.check(schema, `descriptor ${name} exists`)) continue;
		const T = root.lookupType(name);
		checkSchema(t, schema, T, name);
		const S = staticType(name);
		for (let i = 0; i < opts.rounds; i++, n++) {
			const [obj, ours] = gen(r, schema, T);
			const theirs = Buffer.from(S.encode(S.fromObject(obj)).finish());
			const mine = await tool.call('pbenc', name, JSON.stringify(ours));
			t.check(mine === hex(theirs), `protobuf encode ${name} #${i}`, `${mine} vs ${hex(theirs)}`);
			const back = await tool.call('pbdec', name, theirs.length ? hex(theirs) : '-');
			t.check(back !== null && canon(JSON.parse(back)) === canon(ours), `protobuf decode ${name} #${i}`);
			if (theirs.length > 1) {
				// A truncated message is either rejected or a prefix protobufjs also reads.
				const cut = theirs.subarray(0, 1 + r.int(theirs.length - 1));
				const c = await tool.call('pbdec', name, hex(cut));
				let ok = true;
				if (c !== null) try { S.decode(cut); } catch { ok = false; }
				t.check(ok, `protobuf truncated ${name} #${i}`);
			}
		}
	}
	// The ClientPayloads themselves, against Baileys' builders.
	const version = (await tool.call('version')).split('.').map(Number);
	for (let i = 0; i < 50; i++) {
		const user = String(1 + r.int(9)) + String(r.int(1e9)).padStart(9, '0') + String(r.int(1000));
		const device = r.f() < 0.3 ? -1 : r.int(100);
		const jid = device < 0 ? `${user}@s.whatsapp.net` : `${user}:${device}@s.whatsapp.net`;
		const theirs = loginPayload(jid, version);
		t.check(await tool.call('login', user, device) === hex(theirs), `login payload #${i}`);
		const ident = Curve.generateKeyPair(), spk = Curve.generateKeyPair();
		const regId = r.int(16380) + 1, keyId = r.int(1 << 24);
		const sig = Curve.sign(ident.private, Buffer.concat([Buffer.from([5]), spk.public]));
		const reg = registrationPayload({ registrationId: regId,
			signedIdentityKey: ident, signedPreKey: { keyId, keyPair: spk, signature: sig } }, version);
		t.check(await tool.call('register', regId, hex(ident.public), keyId, hex(spk.public), hex(sig)) === hex(reg), `registration payload #${i}`);
	}
	console.log(`protobuf: ${n} random messages over ${TOP.length} message types`);
}
