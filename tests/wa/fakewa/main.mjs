#!/usr/bin/env node
// fakewa: a fake WhatsApp server (and the user's phone) for tests.
//   node main.mjs --cert C --key K [--port N] [--plain-port N] [--control-port N]
//                 [--fixtures F] [--state F] [--root-key HEX] [--ready-file F] [knobs]
// Prints one JSON line {"ready":true,...} on stdout once listening; see
// README.md for the control API.
import { readFileSync, writeFileSync } from 'node:fs';
import { FakeWA, DEFAULTS } from './server.mjs';
import { rootFromPrivate } from './noise.mjs';
import { startControl } from './control.mjs';

// flag -> [option name, kind]
const FLAGS = {
	'--host': ['host', 'str'], '--port': ['port', 'int'], '--plain-port': ['plainPort', 'int'], '--control-port': ['controlPort', 'int'],
	'--cert': ['cert', 'str'], '--key': ['key', 'str'], '--fixtures': ['fixtures', 'str'], '--state': ['stateFile', 'str'],
	'--root-key': ['rootKey', 'str'], '--ready-file': ['readyFile', 'str'],
	'--qr-refs': ['qrRefs', 'int'], '--handshake-timeout-ms': ['handshakeTimeoutMs', 'int'], '--iq-reply-timeout-ms': ['iqReplyTimeoutMs', 'int'],
	'--registration-timeout-ms': ['registrationTimeoutMs', 'int'], '--server-ping-ms': ['serverPingMs', 'int'], '--idle-timeout-ms': ['idleTimeoutMs', 'int'],
	'--latency-ms': ['latencyMs', 'int'], '--min-version': ['minVersion', 'int'], '--compress-min': ['compressMin', 'int'], '--no-redeliver': ['redeliver', 'false'], '--verbose': ['verbose', 'true'],
	'--exit-with-parent': ['exitWithParent', 'true'],
};

function usage(msg) {
	if (msg) process.stderr.write(`fakewa: ${msg}\n`);
	process.stderr.write(`usage: node main.mjs ${Object.keys(FLAGS).map((f) => `[${f}${FLAGS[f][1].match(/str|int/) ? ' X' : ''}]`).join(' ')}\n`);
	process.exit(2);
}

const o = { controlPort: 0 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
	const f = FLAGS[argv[i]];
	if (!f) usage(`unknown flag ${argv[i]}`);
	const [name, kind] = f;
	if (kind === 'true' || kind === 'false') { o[name] = kind === 'true'; continue; }
	const v = argv[++i];
	if (v === undefined) usage(`${argv[i - 1]} needs a value`);
	if (kind === 'int' && !/^-?\d+$/.test(v)) usage(`${argv[i - 1]} wants an integer`);
	o[name] = kind === 'int' ? Number(v) : v;
}
if (!!o.cert !== !!o.key) usage('--cert and --key go together');
if (!o.cert && (o.plainPort ?? DEFAULTS.plainPort) < 0) usage('nothing to listen on: give --cert/--key and/or --plain-port');
if (o.fixtures) o.fixtures = JSON.parse(readFileSync(o.fixtures, 'utf8'));
if (o.rootKey) o.rootKey = rootFromPrivate(o.rootKey);

const srv = new FakeWA(o);
const ports = await srv.start();
const control = await startControl(srv, o.controlPort, o.host || DEFAULTS.host);
const ready = {
	ready: true, host: ports.host, tls: ports.tls, plain: ports.plain, control: control.address().port,
	url: ports.tls ? `wss://localhost:${ports.tls}/ws/chat` : undefined,
	plainUrl: ports.plain !== undefined ? `ws://${ports.host}:${ports.plain}/ws/chat` : undefined,
	rootPub: srv.keys.root.public.toString('hex'), staticPub: srv.keys.static.public.toString('hex'),
};
if (o.readyFile) writeFileSync(o.readyFile, JSON.stringify(ready) + '\n');
process.stdout.write(JSON.stringify(ready) + '\n');

const bye = async () => { await srv.stop(); process.exit(0); };
process.on('SIGTERM', bye);
process.on('SIGINT', bye);
// A test that dies must not leave the server behind.
if (o.exitWithParent) {
	const parent = process.ppid;
	setInterval(() => { if (process.ppid !== parent) bye(); }, 500).unref();
}
