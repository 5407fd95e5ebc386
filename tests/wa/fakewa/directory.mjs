// The fake WhatsApp's directory: who is on WhatsApp (fixtures), and the
// replies to usync and w:g2 queries built from it.  Pure functions of the
// fixtures and the request; no I/O.
import { createHash } from 'node:crypto';
import { proto } from 'baileys';
import { child, children, kids, bytes, text, now, parseJid, pnJid, lidJid, iqResult, iqError } from './wire.mjs';

// A LID for a phone without one in the fixtures: stable, 15 digits.
export function derivedLid(phone) {
	const h = BigInt('0x' + createHash('sha256').update('lid:' + phone).digest('hex').slice(0, 16));
	return '1' + (h % 10n ** 14n).toString().padStart(14, '0');
}

export class Directory {
	constructor(fixtures = {}) { this.set(fixtures); this.tokens = new Map(); }
	// Replaces the fixtures; normalises the optional fields once.
	set(fx) {
		this.fx = { accounts: {}, users: {}, groups: {}, ...structuredClone(fx) };
		for (const [phone, a] of Object.entries(this.fx.accounts)) a.lid ??= derivedLid(phone);
		for (const [phone, u] of Object.entries(this.fx.users)) u.lid ??= this.fx.accounts[phone]?.lid ?? derivedLid(phone);
	}
	// Shallow merge per entry: {users: {phone: {...}|null}} etc.
	patch(p) {
		const fx = structuredClone(this.fx);
		for (const sect of ['accounts', 'users', 'groups']) {
			for (const [k, v] of Object.entries(p[sect] || {})) {
				if (v === null) delete fx[sect][k];
				else fx[sect][k] = { ...(fx[sect][k] || {}), ...v };
			}
		}
		this.set(fx);
	}
	account(phone) {
		const a = this.fx.accounts[phone] || {};
		return { country: '1', platform: 'android', ...a, lid: a.lid ?? this.fx.users[phone]?.lid ?? derivedLid(phone) };
	}
	// A WhatsApp user by phone or LID (accounts are users too).
	user(phone) {
		const u = this.fx.users[phone];
		if (u) return { phone, ...u };
		const a = this.fx.accounts[phone];
		return a ? { phone, lid: a.lid, pushName: a.pushName } : undefined;
	}
	byLid(lid) {
		for (const [phone, u] of Object.entries(this.fx.users)) if (u.lid === lid) return { phone, ...u };
		for (const [phone, a] of Object.entries(this.fx.accounts)) if (a.lid === lid) return this.user(phone);
		return undefined;
	}
	// "+E164", "+E164@c.us" or national digits -> E.164 digits or undefined
	// (invalid).  Without "+", WhatsApp reads the number relative to the
	// querying account's country (whatsmeow #95).
	static e164(q, country) {
		let s = String(q).trim().replace(/@c\.us$/, '');
		if (s.startsWith('+')) s = s.slice(1);
		else if (/^\d+$/.test(s)) s = country + s.replace(/^0+/, '');
		else return undefined;
		return /^[1-9]\d{6,14}$/.test(s) ? s : undefined;
	}
	// A privacy token the server handed out (privacy_token notification):
	// `holder` may read `owner`'s privacy-gated fields when presenting it.
	issueToken(owner, holder, token) { this.tokens.set(Buffer.from(token).toString('hex'), { owner, holder }); }
	aboutVisible(u, viewer, tctoken) {
		const pr = u.aboutPrivacy || 'all';
		if (pr === 'all') return true;
		if (pr === 'nobody') return false;
		if ((u.contacts || []).includes(viewer)) return true;
		const t = tctoken && this.tokens.get(tctoken.toString('hex'));
		return !!t && t.owner === u.phone && t.holder === viewer;
	}

	// usync IQ -> reply.  `viewer` is the querying account's phone;
	// `accountDevices(phone)` lists the companions the server links;
	// `protoErrors` = {protocol: {code,text,backoff}} injected faults.
	usync(iq, viewer, accountDevices, protoErrors = {}) {
		const us = child(iq, 'usync');
		const query = child(us, 'query'), list = child(us, 'list');
		if (!us || !query || !list) return { reply: iqError(iq, 400, 'bad-request'), notes: ['usync without query or list'] };
		const protos = kids(query).map((n) => n.tag);
		const lidMode = child(query, 'contact')?.attrs.addressing_mode === 'lid';
		const country = this.account(viewer).country;
		const notes = [];
		const known = new Set(['contact', 'lid', 'status', 'business', 'devices', 'disappearing_mode', 'picture', 'username', 'bot']);
		for (const p of protos) if (!known.has(p)) notes.push(`unknown usync protocol <${p}>`);
		const result = protos.map((p) => {
			const e = protoErrors[p];
			return e ? { tag: p, attrs: {}, content: [{ tag: 'error', attrs: errAttrs(e) }] } : { tag: p, attrs: {} };
		});
		const users = [];
		for (const un of children(list, 'user')) {
			const q = child(un, 'contact');
			let u, phone, out = {};
			if (q) {
				const raw = text(q) ?? '';
				if (!raw.startsWith('+')) notes.push(`contact "${raw}" without "+": read relative to country ${country}`);
				phone = Directory.e164(raw, country);
				if (!phone) continue; // invalid numbers are missing from the reply
				u = this.user(phone);
				out.echo = raw;
			} else if (un.attrs.jid) {
				const j = parseJid(un.attrs.jid);
				if (!j) continue;
				if (j.server === 'lid') { u = this.byLid(j.user); phone = u?.phone; out.asLid = j.user; } else { phone = j.user; u = this.user(phone); }
			} else { notes.push('usync <user> with neither <contact> nor jid'); continue; }
			users.push(this.usyncUser(un, u, phone, out, protos, protoErrors, { viewer, lidMode, accountDevices }));
		}
		const attrs = {};
		for (const k of ['sid', 'index', 'last', 'mode', 'context']) if (us.attrs[k] !== undefined) attrs[k] = us.attrs[k];
		return { reply: iqResult(iq, [{ tag: 'usync', attrs, content: [{ tag: 'result', attrs: {}, content: result }, { tag: 'list', attrs: {}, content: users }] }]), notes };
	}
	usyncUser(un, u, phone, q, protos, protoErrors, { viewer, lidMode, accountDevices }) {
		const c = [], on = !!u;
		const tctoken = bytes(child(un, 'tctoken'));
		const attrs = {};
		if (on && (lidMode || q.asLid)) { attrs.jid = lidJid(u.lid); attrs.pn_jid = pnJid(phone); } else attrs.jid = pnJid(phone);
		for (const p of protos) {
			if (protoErrors[p]) continue;
			switch (p) {
			case 'contact':
				c.push({ tag: 'contact', attrs: { type: on ? 'in' : 'out' }, ...(q.echo !== undefined ? { content: Buffer.from(q.echo) } : {}) });
				break;
			case 'lid': if (on) c.push({ tag: 'lid', attrs: { val: lidJid(u.lid) } }); break;
			case 'status':
				if (!on) break;
				if (!this.aboutVisible(u, viewer, tctoken)) c.push({ tag: 'status', attrs: { code: '401' } });
				else if (u.about) c.push({ tag: 'status', attrs: { t: String(u.aboutT ?? 1700000000) }, content: Buffer.from(u.about) });
				else c.push({ tag: 'status', attrs: {} });
				break;
			case 'business':
				if (on && u.verifiedName) c.push({ tag: 'business', attrs: {}, content: [verifiedName(u)] });
				break;
			case 'devices':
				if (on) c.push(devicesNode(phone, accountDevices(phone)));
				break;
			case 'disappearing_mode':
				if (on) c.push({ tag: 'disappearing_mode', attrs: { duration: String(u.disappearing ?? 0), t: '0' } });
				break;
			case 'picture':
				if (on && u.pictureId) c.push({ tag: 'picture', attrs: { id: String(u.pictureId) } });
				break;
			default: break;
			}
		}
		return { tag: 'user', attrs, content: c };
	}

	// w:g2 get: <participating> (all the viewer's groups) or <query> (one).
	groups(iq, viewer) {
		const part = child(iq, 'participating');
		if (part) {
			const opts = { participants: !!child(part, 'participants'), description: !!child(part, 'description') };
			const gs = Object.entries(this.fx.groups).filter(([, g]) => isMember(g, viewer)).map(([id, g]) => this.groupNode(id, g, opts));
			return iqResult(iq, [{ tag: 'groups', attrs: {}, content: gs }]);
		}
		if (child(iq, 'query')) {
			const id = parseJid(iq.attrs.to)?.user;
			const g = this.fx.groups[id];
			if (!g) return iqError(iq, 404, 'item-not-found');
			if (!isMember(g, viewer)) return iqError(iq, 403, 'forbidden');
			return iqResult(iq, [this.groupNode(id, g, { participants: true, description: true })]);
		}
		return iqError(iq, 400, 'bad-request');
	}
	// A participant/creator JID in the group's addressing mode, with the
	// other identity as a companion attribute.
	member(g, phone) {
		const u = this.user(phone) || { phone, lid: derivedLid(phone) };
		return g.addressingMode === 'lid' ? { jid: lidJid(u.lid), alt: pnJid(phone), u } : { jid: pnJid(phone), alt: lidJid(u.lid), u };
	}
	groupNode(id, g, opts) {
		const lid = g.addressingMode === 'lid';
		const creator = g.creator && this.member(g, g.creator), subj = g.subjectOwner && this.member(g, g.subjectOwner);
		const attrs = { id, subject: g.subject ?? '', s_t: String(g.subjectTime ?? g.creation ?? 1700000000) };
		if (subj) { attrs.s_o = subj.jid; if (lid) attrs.s_o_pn = subj.alt; }
		attrs.creation = String(g.creation ?? 1700000000);
		if (creator) { attrs.creator = creator.jid; if (lid) attrs.creator_pn = creator.alt; }
		attrs.size = String(g.participants?.length ?? 0);
		attrs.addressing_mode = lid ? 'lid' : 'pn';
		const c = [];
		if (opts.participants) {
			for (const p of g.participants || []) {
				const m = this.member(g, p.phone);
				const pa = { jid: m.jid };
				if (p.role === 'admin' || p.role === 'superadmin') pa.type = p.role;
				if (lid) { if (!p.hidePhone) pa.phone_number = m.alt; else if (m.u.pushName) pa.display_name = m.u.pushName; } else pa.lid = m.alt;
				c.push({ tag: 'participant', attrs: pa });
			}
		}
		if (opts.description && g.description) {
			const by = this.member(g, g.descriptionBy || g.creator);
			const da = { id: g.descriptionId || 'DESC' + id.slice(-6), t: String(g.descriptionTime ?? attrs.creation), participant: by.jid };
			if (lid) da.participant_pn = by.alt;
			c.push({ tag: 'description', attrs: da, content: [{ tag: 'body', attrs: {}, content: Buffer.from(g.description) }] });
		}
		if (g.announce) c.push({ tag: 'announcement', attrs: {} });
		if (g.locked) c.push({ tag: 'locked', attrs: {} });
		if (g.ephemeral) c.push({ tag: 'ephemeral', attrs: { expiration: String(g.ephemeral) } });
		return { tag: 'group', attrs, content: c };
	}
}

const isMember = (g, phone) => (g.participants || []).some((p) => p.phone === phone);
export const errAttrs = (e) => {
	const a = { code: String(e.code ?? 429), text: e.text ?? 'rate-overlimit' };
	if (e.backoff !== undefined) a.backoff = String(e.backoff);
	return a;
};

// <business><verified_name> carries a VerifiedNameCertificate whose
// signature the fake cannot make real; clients only read the details.
function verifiedName(u) {
	const details = proto.VerifiedNameCertificate.Details.encode({ serial: 1, issuer: 'smb:wa', verifiedName: u.verifiedName, issueTime: 1700000000 }).finish();
	const cert = proto.VerifiedNameCertificate.encode({ details, signature: Buffer.alloc(64, 7) }).finish();
	return { tag: 'verified_name', attrs: { v: '1', verified_level: u.verifiedLevel || 'unknown', serial: '1' }, content: Buffer.from(cert) };
}

// <devices><device-list> for a user: the primary (0) plus linked devices.
function devicesNode(phone, linked) {
	const list = [{ tag: 'device', attrs: { id: '0' } }, ...linked.map((d) => ({ tag: 'device', attrs: { id: String(d.device), 'key-index': String(d.keyIndex) } }))];
	return { tag: 'devices', attrs: {}, content: [{ tag: 'device-list', attrs: {}, content: list }, { tag: 'key-index-list', attrs: { ts: String(now()) } }] };
}
