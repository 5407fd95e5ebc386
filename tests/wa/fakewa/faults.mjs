// Injected faults: what the next matching IQs or logins get instead of the
// normal answer.  Immediate actions (stream errors, bad frames, closes) are
// carried out by the server at once and are not stored here.
//
// A fault is { id, kind, device?, count, ...params }; `count` is how many
// more times it fires (Infinity when not given for silence).
export const STORED = new Set(['iq-error', 'iq-timeout', 'usync-error', 'failure', 'silence', 'login-stream-error']);

export class Faults {
	constructor() { this.list = []; this.seq = 0; }
	add(f) {
		if (!STORED.has(f.kind)) throw new Error(`unknown stored fault kind "${f.kind}"`);
		const fault = { ...f, id: `f${++this.seq}`, count: f.count === undefined ? (f.kind === 'silence' ? Infinity : 1) : Number(f.count) };
		this.list.push(fault);
		return fault;
	}
	remove(id) { const n = this.list.length; this.list = this.list.filter((f) => f.id !== id); return n !== this.list.length; }
	clear() { this.list = []; }
	toJSON() { return this.list.map((f) => ({ ...f, count: f.count === Infinity ? null : f.count })); }
	// The first live fault of one of `kinds` that matches; it is consumed
	// (count decremented) unless `peek`.
	take(kinds, ctx, peek = false) {
		for (const f of this.list) {
			if (!kinds.includes(f.kind) || f.count <= 0 || !matches(f, ctx)) continue;
			if (!peek && --f.count <= 0) this.remove(f.id);
			return f;
		}
		return undefined;
	}
}

// ctx = { device (jid), conn (id), mode, iq (node) }
function matches(f, ctx) {
	if (f.device && f.device !== ctx.device) return false;
	if (f.conn && f.conn !== ctx.conn) return false;
	if (f.mode && f.mode !== ctx.mode) return false;
	if (ctx.iq) {
		const { xmlns, type, child } = f.match || {};
		if (xmlns && ctx.iq.attrs.xmlns !== xmlns) return false;
		if (type && ctx.iq.attrs.type !== type) return false;
		if (child && !(Array.isArray(ctx.iq.content) && ctx.iq.content.some((c) => c.tag === child))) return false;
	}
	return true;
}
