// Stanzas the control channel can push to a linked device: messages and
// notifications that carry people (push names, PN/LID pairs), group
// changes, privacy tokens, receipts, calls, or any raw node.
import { randomBytes } from 'node:crypto';
import { proto } from 'baileys';
import { SERVER, now, fromJSON, pnJid, lidJid } from './wire.mjs';
import { derivedLid } from './directory.mjs';

// `dev` is the first target device (the receiving account).
export function buildPush(srv, req, dev) {
	const dir = srv.dir;
	const id = req.id || srv.nextStanzaId(), t = String(req.t ?? now());
	const person = (phone) => {
		const p = String(phone).replace(/^\+/, '');
		const u = dir.user(p) || { phone: p, lid: derivedLid(p) };
		return { phone: p, lid: u.lid, pn: pnJid(p), lidJid: lidJid(u.lid), notify: u.pushName, u };
	};
	const group = (gid) => {
		const g = dir.fx.groups[gid];
		if (!g) throw new Error(`no group ${gid} in the fixtures`);
		return g;
	};
	switch (req.kind) {
	case 'message': {
		const s = person(req.from);
		const attrs = {};
		let enc = req.enc || 'msg';
		if (req.group) {
			const g = group(req.group), lid = g.addressingMode === 'lid';
			attrs.from = `${req.group}@g.us`;
			attrs.participant = lid ? s.lidJid : s.pn;
			if (req.alt !== false) attrs[lid ? 'participant_pn' : 'participant_lid'] = lid ? s.pn : s.lidJid;
			attrs.addressing_mode = lid ? 'lid' : 'pn';
			enc = req.enc || 'skmsg';
		} else if (req.addressing === 'lid') {
			attrs.from = s.lidJid;
			if (req.alt !== false) attrs.sender_pn = s.pn;
		} else {
			attrs.from = s.pn;
			if (req.alt !== false) attrs.sender_lid = s.lidJid;
		}
		Object.assign(attrs, { type: req.type || 'text', id, t });
		const notify = req.notify ?? s.notify;
		if (notify !== undefined) attrs.notify = notify;
		const content = [];
		if (s.u.verifiedName) {
			const details = proto.VerifiedNameCertificate.Details.encode({ serial: 1, issuer: 'smb:wa', verifiedName: s.u.verifiedName }).finish();
			content.push({ tag: 'verified_name', attrs: { v: '1', serial: '1' }, content: Buffer.from(proto.VerifiedNameCertificate.encode({ details, signature: Buffer.alloc(64, 7) }).finish()) });
		}
		// Ciphertext the fake cannot make real: clients can read who sent it,
		// not what it says.
		content.push({ tag: 'enc', attrs: { v: '2', type: enc }, content: randomBytes(48) });
		return { tag: 'message', attrs, content };
	}
	case 'group': {
		const g = group(req.group), lid = g.addressingMode === 'lid';
		const by = person(req.by || g.creator);
		const attrs = { from: `${req.group}@g.us`, type: 'w:gp2', id, participant: lid ? by.lidJid : by.pn, t };
		if (lid) attrs.participant_pn = by.pn;
		if (by.notify) attrs.notify = by.notify;
		attrs.addressing_mode = lid ? 'lid' : 'pn';
		const who = (req.participants || []).map(person);
		const pnode = (p) => ({ tag: 'participant', attrs: lid ? { jid: p.lidJid, phone_number: p.pn } : { jid: p.pn, lid: p.lidJid } });
		const parts = g.participants ||= [];
		let c;
		switch (req.action) {
		case 'add':
			for (const p of who) if (!parts.some((x) => x.phone === p.phone)) parts.push({ phone: p.phone });
			c = { tag: 'add', attrs: req.reason ? { reason: req.reason } : {}, content: who.map(pnode) };
			break;
		case 'remove':
			g.participants = parts.filter((x) => !who.some((p) => p.phone === x.phone));
			c = { tag: 'remove', attrs: {}, content: who.map(pnode) };
			break;
		case 'promote': case 'demote':
			for (const x of parts) if (who.some((p) => p.phone === x.phone)) { if (req.action === 'promote') x.role = 'admin'; else delete x.role; }
			c = { tag: req.action, attrs: {}, content: who.map(pnode) };
			break;
		case 'subject':
			Object.assign(g, { subject: req.subject, subjectTime: Number(t), subjectOwner: by.phone });
			c = { tag: 'subject', attrs: { subject: req.subject, s_t: t, s_o: attrs.participant, ...(lid ? { s_o_pn: by.pn } : {}) } };
			break;
		case 'description':
			Object.assign(g, { description: req.description, descriptionBy: by.phone, descriptionTime: Number(t) });
			c = { tag: 'description', attrs: { id: 'DESC' + randomBytes(4).toString('hex').toUpperCase() }, content: [{ tag: 'body', attrs: {}, content: Buffer.from(req.description) }] };
			break;
		case 'announcement': case 'not_announcement': case 'locked': case 'unlocked':
			if (req.action.endsWith('announcement')) g.announce = req.action === 'announcement'; else g.locked = req.action === 'locked';
			c = { tag: req.action, attrs: {} };
			break;
		default: throw new Error(`group action "${req.action}" is not modelled`);
		}
		return { tag: 'notification', attrs, content: [c] };
	}
	case 'privacy-token': {
		const s = person(req.from);
		const token = req.token ? Buffer.from(req.token, 'base64') : randomBytes(24);
		dir.issueToken(s.phone, dev.phone, token);
		return { tag: 'notification', attrs: { from: s.pn, type: 'privacy_token', id, t, sender_lid: s.lidJid },
			content: [{ tag: 'tokens', attrs: {}, content: [{ tag: 'token', attrs: { type: 'trusted_contact', t }, content: token }] }] };
	}
	case 'prekey-low':
		dev.prekeys = Object.fromEntries(Object.entries(dev.prekeys).slice(0, Number(req.count ?? 0)));
		return { tag: 'notification', attrs: { from: SERVER, type: 'encrypt', id, t }, content: [{ tag: 'count', attrs: { value: String(req.count ?? 0) } }] };
	case 'about': {
		const s = person(req.from);
		if (dir.fx.users[s.phone]) Object.assign(dir.fx.users[s.phone], { about: req.text, aboutT: Number(t) });
		return { tag: 'notification', attrs: { from: s.pn, type: 'status', id, t, ...(s.notify ? { notify: s.notify } : {}) }, content: [{ tag: 'set', attrs: {}, content: Buffer.from(req.text ?? '') }] };
	}
	case 'receipt': {
		const s = person(req.from);
		return { tag: 'receipt', attrs: { from: s.pn, id: req.message || id, t, ...(req.type ? { type: req.type } : {}) } };
	}
	case 'call': {
		const s = person(req.from);
		const cid = req.callId || randomBytes(16).toString('hex').toUpperCase();
		return { tag: 'call', attrs: { from: s.pn, id, t, ...(s.notify ? { notify: s.notify } : {}) }, content: [{ tag: 'offer', attrs: { 'call-id': cid, 'call-creator': s.pn },
			content: [{ tag: req.video ? 'video' : 'audio', attrs: { enc: 'opus', rate: '16000' } }] }] };
	}
	case 'raw': {
		const node = fromJSON(req.node);
		node.attrs.id ??= id;
		return node;
	}
	default: throw new Error(`push kind "${req.kind}" is not modelled`);
	}
}
