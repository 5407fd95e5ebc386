// Binary-node helpers of the fake server: JSON <-> node conversion for the
// control channel, JIDs, and the few stanza shapes every part needs.
import { getBinaryNodeChild, getBinaryNodeChildren } from 'baileys';

// The server's own JID.  Encoded as JID_PAIR with an empty user
// (fa 00 03), as WhatsApp sends it: whatsmeow compares `from` against a
// JID value, so the bare token "s.whatsapp.net" would not match.
export const SERVER = '@s.whatsapp.net';

export const now = () => Math.floor(Date.now() / 1000);
export const child = getBinaryNodeChild;
export const children = getBinaryNodeChildren;
export const kids = (node) => (Array.isArray(node?.content) ? node.content : []);
export const bytes = (node) => (node?.content instanceof Uint8Array ? Buffer.from(node.content)
	: typeof node?.content === 'string' ? Buffer.from(node.content, 'utf8') : undefined);
export const text = (node) => bytes(node)?.toString('utf8');

// Node -> JSON for the control channel: byte content becomes {b64}
// (plus the text when it is printable UTF-8, for readable logs).
export function toJSON(node) {
	if (!node || typeof node !== 'object') return node;
	const out = { tag: node.tag, attrs: { ...node.attrs } };
	if (Array.isArray(node.content)) out.content = node.content.map(toJSON);
	else if (node.content instanceof Uint8Array) {
		const b = Buffer.from(node.content);
		out.content = { b64: b.toString('base64') };
		const s = b.toString('utf8');
		if (Buffer.from(s, 'utf8').equals(b) && /^[\P{Cc}\n\t]*$/u.test(s)) out.content.text = s;
	} else if (node.content !== undefined) out.content = String(node.content);
	return out;
}

// JSON -> node: content may be a list, a string, {b64}, {hex} or {text}.
export function fromJSON(j) {
	if (!j || typeof j.tag !== 'string') throw new Error('a node needs a string "tag"');
	const attrs = {};
	for (const [k, v] of Object.entries(j.attrs || {})) attrs[k] = String(v);
	const node = { tag: j.tag, attrs };
	const c = j.content;
	if (Array.isArray(c)) node.content = c.map(fromJSON);
	else if (typeof c === 'string') node.content = Buffer.from(c, 'utf8');
	else if (c && typeof c === 'object') {
		if (c.b64 !== undefined) node.content = Buffer.from(c.b64, 'base64');
		else if (c.hex !== undefined) node.content = Buffer.from(c.hex, 'hex');
		else if (c.text !== undefined) node.content = Buffer.from(c.text, 'utf8');
	}
	return node;
}

// "user[:device]@server" -> parts; undefined when it is not a JID.
export function parseJid(s) {
	const m = /^([^@:]*)(?::(\d+))?@(.+)$/.exec(String(s ?? ''));
	if (!m) return undefined;
	return { user: m[1], device: m[2] === undefined ? undefined : Number(m[2]), server: m[3] };
}
export const pnJid = (phone, device) => `${phone}${device ? `:${device}` : ''}@s.whatsapp.net`;
export const lidJid = (lid, device) => `${lid}${device ? `:${device}` : ''}@lid`;

// IQ replies.  WhatsApp answers from the address the request went to,
// the server always as the JID (also when a client wrote the plain token).
const replyFrom = (to) => (!to || to === 's.whatsapp.net' ? SERVER : to);
export function iqResult(req, content) {
	const node = { tag: 'iq', attrs: { from: replyFrom(req.attrs.to), type: 'result', id: req.attrs.id } };
	if (content) node.content = content;
	return node;
}
export function iqError(req, code, text, extra = {}) {
	const attrs = { code: String(code), text };
	for (const [k, v] of Object.entries(extra)) if (v !== undefined) attrs[k] = String(v);
	return { tag: 'iq', attrs: { from: replyFrom(req.attrs.to), type: 'error', id: req.attrs.id }, content: [{ tag: 'error', attrs }] };
}

// The error texts WhatsApp pairs with each code (XMPP-style names).
export const ERROR_TEXT = {
	400: 'bad-request', 401: 'not-authorized', 403: 'forbidden', 404: 'item-not-found', 405: 'not-allowed',
	406: 'not-acceptable', 409: 'conflict', 429: 'rate-overlimit', 500: 'internal-server-error',
	501: 'feature-not-implemented', 503: 'service-unavailable',
};
