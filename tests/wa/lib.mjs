// Shared helpers of the differential tests: the C driver over a pipe,
// a seeded random generator and the pass/fail tally.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { proto, generateLoginNode, generateRegistrationNode } from 'baileys';

export class Tool {
	constructor(path) {
		this.proc = spawn(path, [], { stdio: ['pipe', 'pipe', 'inherit'] });
		this.waiting = [];
		this.dead = false;
		createInterface({ input: this.proc.stdout }).on('line', (l) => {
			const w = this.waiting.shift();
			if (w) w(l);
		});
		// A crashed driver fails every pending and later call.
		this.proc.on('exit', (code, sig) => {
			this.dead = `wa-tool exited (${code ?? sig})`;
			for (const w of this.waiting.splice(0)) w('err');
		});
		this.proc.stdin.on('error', () => {});
	}
	// Sends one command; resolves to the result text or null on "err".
	async call(...args) {
		if (this.dead) throw new Error(this.dead);
		const line = await new Promise((resolve) => {
			this.waiting.push(resolve);
			this.proc.stdin.write(args.join(' ') + '\n');
		});
		if (this.dead) throw new Error(this.dead);
		if (line === 'ok') return '';
		if (line.startsWith('ok ')) return line.slice(3);
		return null;
	}
	close() { this.proc.stdin.end(); }
}

// xorshift128+, so a failing case can be replayed from its seed.
export function rng(seed) {
	let a = BigInt(seed) | 1n, b = 0x9e3779b97f4a7c15n;
	const M = (1n << 64n) - 1n;
	const next = () => {
		let x = a, y = b;
		a = y; x ^= (x << 23n) & M; b = x ^ y ^ (x >> 17n) ^ (y >> 26n);
		return Number(((b + y) & M) >> 11n) / 2 ** 53;
	};
	return {
		f: next,
		int: (n) => Math.floor(next() * n),
		pick: (arr) => arr[Math.floor(next() * arr.length)],
		bytes: (n) => { const u = Buffer.alloc(n); for (let i = 0; i < n; i++) u[i] = Math.floor(next() * 256); return u; },
	};
}

export class Tally {
	constructor() { this.pass = 0; this.fail = 0; }
	check(ok, name, detail) {
		if (ok) { this.pass++; return true; }
		this.fail++;
		if (this.fail <= 20) console.log(`FAIL ${name}${detail ? ': ' + detail : ''}`);
		return false;
	}
}

export const hex = (b) => Buffer.from(b).toString('hex');
export const strHex = (s) => Buffer.from(s, 'utf8').toString('hex');

// The ClientPayloads we send, from Baileys' builders: login with
// whatsmeow's flags (passive until the "passive active" IQ, LID DB
// migrated, lc=1), registration with DeviceProps.version as whatsmeow
// sends it (see src/wa/wa_payload.h).
export const waConfig = (version) => ({ version, browser: ['Ubuntu', 'Chrome', '22.04.4'], countryCode: 'US', syncFullHistory: false });
export function loginPayload(jid, version) {
	const p = generateLoginNode(jid, waConfig(version));
	p.passive = true; p.lidDbMigrated = true; p.lc = 1;
	return Buffer.from(proto.ClientPayload.encode(p).finish());
}
export function registrationPayload(creds, version) {
	const p = generateRegistrationNode(creds, waConfig(version));
	const dp = proto.DeviceProps.decode(p.devicePairingData.deviceProps);
	dp.version = { primary: 0, secondary: 1, tertiary: 0 };
	p.devicePairingData.deviceProps = proto.DeviceProps.encode(dp).finish();
	return Buffer.from(proto.ClientPayload.encode(p).finish());
}
