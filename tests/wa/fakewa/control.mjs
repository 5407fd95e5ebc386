// The control channel: a small HTTP JSON API on a loopback port through
// which tests drive the fake server and read what it saw.  Every answer
// is JSON; errors are {"error": "..."} with 400 (bad request), 404
// (nothing there) or 408 (a wait that timed out).
import http from 'node:http';
import { STORED } from './faults.mjs';

const IMMEDIATE = new Set(['stream-error', 'truncate', 'garbage', 'close', 'raw-bytes']);

class HttpError extends Error { constructor(status, msg) { super(msg); this.status = status; } }

// Does event `e` satisfy `m`?  Keys compare with ===, except "node"
// ({tag, attrs: {...}, child}) which looks into a logged stanza, and
// "kinds" (a list of accepted kinds).
export function eventMatches(e, m = {}) {
	for (const [k, v] of Object.entries(m)) {
		if (k === 'kinds') { if (!v.includes(e.kind)) return false; continue; }
		if (k === 'node') {
			const n = e.node;
			if (!n || (v.tag && n.tag !== v.tag)) return false;
			for (const [ak, av] of Object.entries(v.attrs || {})) if (n.attrs?.[ak] !== String(av)) return false;
			if (v.child && !(Array.isArray(n.content) && n.content.some((c) => c.tag === v.child))) return false;
			continue;
		}
		if (e[k] !== v) return false;
	}
	return true;
}

export function startControl(srv, port, host = '127.0.0.1') {
	const routes = {
		'GET /status': () => ({ listening: srv.listening, ...srv.ports(), rootPub: srv.keys.root.public.toString('hex'),
			staticPub: srv.keys.static.public.toString('hex'), connections: srv.conns.size, devices: srv.devices.size, opts: publicOpts(srv.opts) }),
		'GET /clients': () => ({ clients: [...srv.conns.values()].map((c) => c.info()) }),
		'GET /devices': () => ({ devices: [...srv.devices.values()].map((d) => ({ ...d, prekeys: Object.keys(d.prekeys).length,
			online: !!srv.liveConn(d.jid), queued: srv.offline.get(d.jid)?.length || 0 })) }),
		'POST /scan': (b) => srv.scan(b),
		'POST /code': (b) => srv.enterCode(b),
		'GET /fixtures': () => srv.dir.fx,
		'PUT /fixtures': (b) => { srv.dir.set(b); return srv.dir.fx; },
		'PATCH /fixtures': (b) => { srv.dir.patch(b); return srv.dir.fx; },
		'GET /faults': () => ({ faults: srv.faults.toJSON() }),
		'DELETE /faults': () => { srv.faults.clear(); return { faults: [] }; },
		'POST /fault': (b) => fault(srv, b),
		'POST /push': (b) => srv.push(b),
		'POST /remove-device': (b) => { srv.removeDevice(b.jid); return { removed: b.jid }; },
		'POST /ping': (b) => { const cs = targets(srv, b); for (const c of cs) c.serverPing(); return { pinged: cs.map((c) => c.id) }; },
		'POST /stop': async () => { await srv.stop(); return { listening: false }; },
		'POST /start': async () => ({ listening: true, ...(await srv.start()) }),
		'POST /restart': async (b) => ({ listening: true, ...(await srv.restart(Number(b.downMs || 0))) }),
		'GET /events': (b, q) => {
			const since = Number(q.get('since') || 0), kinds = q.get('kind')?.split(','), jid = q.get('jid'), conn = q.get('conn');
			const ev = srv.events.filter((e) => e.seq > since && (!kinds || kinds.includes(e.kind)) && (!jid || e.jid === jid) && (!conn || e.conn === conn));
			return { events: ev, last: srv.seq };
		},
		'POST /wait': async (b) => {
			const ev = await srv.wait((e) => eventMatches(e, b.match), Number(b.since || 0), Number(b.timeoutMs || 10000));
			if (!ev) throw new HttpError(408, `no event matching ${JSON.stringify(b.match)} within ${b.timeoutMs || 10000} ms`);
			return ev;
		},
		'GET /acks': () => ({ acked: srv.events.filter((e) => e.kind === 'ack'), unacked: srv.events.filter((e) => e.kind === 'unacked'),
			pending: [...srv.pending.values()].map(({ node, ...p }) => p) }),
		'GET /problems': () => ({ problems: srv.events.filter((e) => e.kind === 'problem'), notes: srv.events.filter((e) => e.kind === 'note') }),
		'POST /config': (b) => {
			for (const [k, v] of Object.entries(b)) {
				if (!(k in srv.opts) || ['host', 'port', 'plainPort', 'cert', 'key', 'stateFile', 'fixtures', 'rootKey'].includes(k)) throw new HttpError(400, `"${k}" is not a runtime knob`);
				srv.opts[k] = typeof srv.opts[k] === 'boolean' ? !!v : Number(v);
			}
			return { opts: publicOpts(srv.opts) };
		},
		'POST /reset': () => { srv.events = []; srv.faults.clear(); srv.pending.clear(); return { reset: true }; },
		'POST /shutdown': async () => { setTimeout(async () => { await srv.stop(); process.exit(0); }, 10); return { bye: true }; },
	};
	const server = http.createServer(async (req, res) => {
		const url = new URL(req.url, 'http://x');
		let path = url.pathname.replace(/\/+$/, '') || '/';
		let arg;
		const m = /^\/faults\/([^/]+)$/.exec(path);
		if (m && req.method === 'DELETE') { path = '/faults/:id'; arg = m[1]; }
		let out, status = 200;
		try {
			const body = await readBody(req);
			if (path === '/faults/:id') {
				if (!srv.faults.remove(arg)) throw new HttpError(404, `no fault ${arg}`);
				out = { removed: arg };
			} else {
				const h = routes[`${req.method} ${path}`];
				if (!h) throw new HttpError(404, `no route ${req.method} ${path}`);
				out = await h(body, url.searchParams);
			}
		} catch (e) {
			status = e.status || 400;
			out = { error: e.message };
		}
		const s = JSON.stringify(out ?? {});
		res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
		res.end(s);
	});
	return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

function readBody(req) {
	return new Promise((resolve, reject) => {
		let s = '';
		req.on('data', (d) => { s += d; if (s.length > 16 << 20) reject(new HttpError(400, 'body too large')); });
		req.on('end', () => {
			if (!s.trim()) return resolve({});
			try { resolve(JSON.parse(s)); } catch { reject(new HttpError(400, 'body is not JSON')); }
		});
	});
}

const publicOpts = ({ fixtures, rootKey, ...o }) => o;

// The live connections an immediate fault or a ping aims at: one by
// "conn" id, those of a "device" JID, or every login connection.
function targets(srv, b) {
	const all = [...srv.conns.values()].filter((c) => c.open);
	if (b.conn) return all.filter((c) => c.id === b.conn);
	if (b.device) return all.filter((c) => c.jid === b.device);
	return all.filter((c) => c.kind === 'login' || (b.registrations && c.kind === 'registration'));
}

function fault(srv, b) {
	if (IMMEDIATE.has(b.kind) && b.when !== 'login') {
		const cs = targets(srv, b);
		if (!cs.length) throw new HttpError(404, 'no live connection matches');
		for (const c of cs) {
			switch (b.kind) {
			case 'stream-error': c.streamError(b.code, b.conflict); break;
			case 'truncate': {
				const h = Buffer.from([0, 0, 100]);
				c.ws.send(Buffer.concat([h, Buffer.from([1, 2, 3, 4, 5])]));
				if (b.close !== false) c.closeSoon('truncated frame');
				break;
			}
			case 'garbage': {
				const n = Number(b.bytes || 32), f = Buffer.alloc(3 + n);
				f.writeUIntBE(n, 0, 3);
				for (let i = 3; i < f.length; i++) f[i] = Math.floor(Math.random() * 256);
				c.ws.send(f);
				break;
			}
			case 'raw-bytes': c.ws.send(Buffer.from(b.hex || '', 'hex')); break;
			case 'close': c.abort('abrupt close (fault)'); break;
			default: break;
			}
			srv.log('fault-fired', { conn: c.id, jid: c.jid, kind: b.kind, code: b.code, conflict: b.conflict });
		}
		return { fired: cs.map((c) => c.id) };
	}
	if (b.kind === 'stream-error') return { fault: srv.faults.add({ ...b, kind: 'login-stream-error' }) };
	if (!STORED.has(b.kind)) throw new HttpError(400, `unknown fault kind "${b.kind}"`);
	return { fault: srv.faults.add(b) };
}
