// fakewa's self-test: what Baileys' own client never exercises, driven by
// a bare client (rawclient.mjs) through the control channel the way C and
// Python tests will: the current QR form, a passive login, whatsmeow's
// usync form, privacy tokens, per-protocol errors, server pings, frame
// faults, idle and version failures, restarts with a state file.
//   node selftest.mjs cert=PEM key=PEM tmp=DIR [verbose=1]
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initAuthCreds, generateRegistrationNode, generateLoginNode, configureSuccessfulPairing, encodeSignedDeviceIdentity, Browsers, proto } from 'baileys';
import { Tally } from '../lib.mjs';
import { startFakeWA } from './ctl.mjs';
import { RawClient } from './rawclient.mjs';
import { verify } from './phone.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split(/=(.*)/s).slice(0, 2)));
const t = new Tally();
const check = (ok, name, detail) => { if (t.check(!!ok, name, detail) && args.verbose) console.log(`ok   ${name}`); return !!ok; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CONFIG = { version: [2, 3000, 1043857760], browser: Browsers.ubuntu('Chrome'), countryCode: 'US', syncFullHistory: false };
const A = '15550000001', S = '@s.whatsapp.net';
const state = `${args.tmp}/fakewa-state.json`;
const serverArgs = ['--cert', args.cert, '--key', args.key, '--plain-port', '0', '--fixtures', fileURLToPath(new URL('./fixtures.json', import.meta.url)),
	'--state', state, '--qr-refs', '3', '--iq-reply-timeout-ms', '3000', ...(args.verbose ? ['--verbose'] : [])];
let fw = await startFakeWA(serverArgs, { stderr: args.verbose ? 'inherit' : 'ignore' });
const agent = new https.Agent({ ca: readFileSync(args.cert) });
const ctl = (...a) => fw.ctl(...a);
const kids = (n) => (Array.isArray(n?.content) ? n.content : []);
const kid = (n, tag) => kids(n).find((c) => c.tag === tag);
const iq = (xmlns, type, content, to = S) => ({ tag: 'iq', attrs: { to, type, xmlns }, content });

// ---- registration with the current (URL) QR form, over plain ws ----
const creds = initAuthCreds();
let c = await RawClient.connect(fw.ready.plainUrl, { noiseKey: creds.noiseKey, payload: generateRegistrationNode(creds, CONFIG) });
const pd = await c.next((n) => kid(n, 'pair-device'));
const refs = kids(kid(pd, 'pair-device')).map((r) => Buffer.from(r.content).toString());
check(pd?.attrs.from === S && refs.length === 3, 'pair-device from the server JID with --qr-refs refs', JSON.stringify(pd?.attrs));
c.send({ tag: 'iq', attrs: { to: S, type: 'result', id: pd.attrs.id } });
const b64 = (x) => Buffer.from(x).toString('base64');
const qr = `https://wa.me/settings/linked_devices#${refs[1]},${b64(creds.noiseKey.public)},${b64(creds.signedIdentityKey.public)},${creds.advSecretKey},1`;
const scanning = ctl('POST', '/scan', { qr, phone: A });
const ps = await c.next((n) => kid(n, 'pair-success'));
const platform = kid(kid(ps, 'pair-success'), 'platform')?.attrs.name;
const { reply, creds: upd } = configureSuccessfulPairing(ps, creds);
c.send(reply);
const paired = await scanning;
check(paired.ok && upd.me.id === paired.jid && platform === 'android', 'the URL QR form pairs', JSON.stringify(paired));
const e515 = await c.next((n) => n.tag === 'stream:error');
check(e515?.attrs.code === '515' && await c.closed(), 'stream:error 515 then close');
Object.assign(creds, upd);
const jid = paired.jid;

// The pair-device-sign check is real: tampered replies link nothing.
const tampered = {
	'deviceSignature does not verify': (a) => { a.deviceSignature[5] ^= 1; },
	'accountSignatureKey must be omitted': (a, keep) => { keep.key = true; },
	'key-index=': (a, keep) => { keep.index = '99'; },
};
for (const [want, tamper] of Object.entries(tampered)) {
	const cr = initAuthCreds();
	const r = await RawClient.connect(fw.ready.plainUrl, { noiseKey: cr.noiseKey, payload: generateRegistrationNode(cr, CONFIG) });
	const p = await r.next((n) => kid(n, 'pair-device'));
	r.send({ tag: 'iq', attrs: { to: S, type: 'result', id: p.attrs.id } });
	const ref = Buffer.from(kids(kid(p, 'pair-device'))[0].content).toString();
	const sc = ctl('POST', '/scan', { qr: [ref, b64(cr.noiseKey.public), b64(cr.signedIdentityKey.public), cr.advSecretKey].join(','), phone: A });
	const ps2 = await r.next((n) => kid(n, 'pair-success'));
	const { reply: rep, creds: u2 } = configureSuccessfulPairing(ps2, cr);
	const keep = {};
	const acct = { ...u2.account, deviceSignature: Buffer.from(u2.account.deviceSignature) };
	tamper(acct, keep);
	const di = kid(kid(rep, 'pair-device-sign'), 'device-identity');
	di.content = encodeSignedDeviceIdentity(acct, !!keep.key);
	if (keep.index) di.attrs['key-index'] = keep.index;
	r.send(rep);
	const res = await sc;
	check(!res.ok && res.problems.some((x) => x.includes(want)) && !(await r.next((n) => n.tag === 'stream:error', 300)), `pair-device-sign rejected (no 515): ${want}`, JSON.stringify(res));
	r.close();
}
{
	const cr = initAuthCreds();
	const r = await RawClient.connect(fw.ready.plainUrl, { noiseKey: cr.noiseKey, payload: generateRegistrationNode(cr, CONFIG) });
	await r.next((n) => kid(n, 'pair-device'));
	const hello = await r.query(iq('md', 'set', [{ tag: 'link_code_companion_reg', attrs: { jid: `${A}${S}`, stage: 'companion_hello', should_show_push_notification: 'true' }, content: [
		{ tag: 'link_code_pairing_wrapped_companion_ephemeral_pub', attrs: {}, content: Buffer.alloc(80, 1) },
		{ tag: 'companion_server_auth_key_pub', attrs: {}, content: cr.noiseKey.public },
		{ tag: 'companion_platform_id', attrs: {}, content: '1' },
		{ tag: 'companion_platform_display', attrs: {}, content: 'nonsense' },
		{ tag: 'link_code_pairing_nonce', attrs: {}, content: Buffer.from([0]) }] }]));
	check(kid(hello, 'error')?.attrs.code === '400', 'companion_hello with an implausible platform display answers 400');
	r.close();
}

// A passive login (as whatsmeow logs in): nothing is delivered before <active/>.
const loginPayload = (extra = {}) => ({ ...generateLoginNode(jid, CONFIG), passive: true, pull: true, ...extra });
const login = async (url = fw.ready.plainUrl) => RawClient.connect(url, { agent, noiseKey: creds.noiseKey, payload: loginPayload() });
const pushed = await ctl('POST', '/push', { to: jid, kind: 'group', group: '120363000000000001', action: 'promote', participants: ['15551110002'], by: '15551110001' });
check(pushed.targets[0].result === 'queued', 'a push to an offline device is queued');
c = await login(fw.ready.url);
const ok = await c.next((n) => n.tag === 'success');
check(ok?.attrs.lid === paired.lid && +ok.attrs.t > 0, '<success> carries t and the device LID', JSON.stringify(ok?.attrs));
check(!(await c.next((n) => n.tag === 'notification', 300)), 'a passive connection gets no stanzas');
const act = await c.query(iq('passive', 'set', [{ tag: 'active', attrs: {} }]));
check(act?.attrs.type === 'result', 'passive <active/> answered');
const prev = await c.next((n) => kid(n, 'offline_preview'));
const queued = await c.next((n) => n.tag === 'notification');
const end = await c.next((n) => kid(n, 'offline'));
check(kid(prev, 'offline_preview')?.attrs.count === '1' && kid(prev, 'offline_preview').attrs.notification === '1', 'offline_preview counts the queue');
check(queued?.attrs.id === pushed.id && queued.attrs.offline !== undefined && kid(queued, 'promote'), 'the queued w:gp2 arrives marked offline', JSON.stringify(queued?.attrs));
check(kid(end, 'offline')?.attrs.count === '1' && c.nodes.indexOf(end) > c.nodes.indexOf(queued), '<ib><offline count=1> ends the queue');
c.send({ tag: 'ack', attrs: { id: queued.attrs.id, to: queued.attrs.from, class: 'notification', type: 'w:gp2', participant: queued.attrs.participant } });
const ackEv = await ctl('POST', '/wait', { match: { kind: 'ack', id: pushed.id } });
check(ackEv.ok, 'a correct ack is recorded as ok');

// ---- lookups in whatsmeow's form ----
const wm = await c.query(iq('usync', 'get', [{ tag: 'usync', attrs: { sid: 'raw.s1', mode: 'query', last: 'true', index: '0', context: 'interactive' }, content: [
	{ tag: 'query', attrs: {}, content: [{ tag: 'contact', attrs: { addressing_mode: 'lid' } }, { tag: 'business', attrs: {}, content: [{ tag: 'verified_name', attrs: {} }] },
		{ tag: 'disappearing_mode', attrs: {} }, { tag: 'username', attrs: {} }] },
	{ tag: 'list', attrs: {}, content: ['+15551110001@c.us', '+15551110004@c.us', '+15559999999@c.us', '+12@c.us'].map((p) => ({ tag: 'user', attrs: {}, content: [{ tag: 'contact', attrs: {}, content: p }] })) }] }]));
const users = kids(kid(kid(wm, 'usync'), 'list'));
const u1 = users.find((u) => u.attrs.pn_jid === `15551110001${S}`), u4 = users.find((u) => u.attrs.pn_jid === `15551110004${S}`);
check(users.length === 3, 'invalid number missing, others present', JSON.stringify(users.map((u) => u.attrs)));
check(u1?.attrs.jid === '200000000000001@lid' && kid(u1, 'contact')?.attrs.type === 'in' && Buffer.from(kid(u1, 'contact').content).toString() === '+15551110001@c.us', 'addressing_mode=lid: jid is the LID, pn_jid the phone, contact echoed');
const vn = kid(kid(u4, 'business'), 'verified_name');
const vd = vn && proto.VerifiedNameCertificate.Details.decode(proto.VerifiedNameCertificate.decode(vn.content).details);
check(vd?.verifiedName === "Frank's Bikes" && !kid(u1, 'business'), 'business verified_name only for businesses');
check(kid(users.find((u) => u.attrs.jid === `15559999999${S}`), 'contact')?.attrs.type === 'out', 'an off-number reads type="out"');

// ---- about text behind privacy, unlocked by a privacy token ----
const status = (tok) => c.query(iq('usync', 'get', [{ tag: 'usync', attrs: { sid: 'raw.s2', mode: 'full', last: 'true', index: '0', context: 'background' }, content: [
	{ tag: 'query', attrs: {}, content: [{ tag: 'status', attrs: {} }] },
	{ tag: 'list', attrs: {}, content: [{ tag: 'user', attrs: { jid: `15551110002${S}` }, content: tok ? [{ tag: 'tctoken', attrs: {}, content: tok }] : undefined }] }] }]));
const st0 = kid(kid(kid(kid(await status(), 'usync'), 'list'), 'user'), 'status');
check(st0?.attrs.code === '401', 'contacts-only about is hidden (code 401) without a token');
const tp = await ctl('POST', '/push', { to: jid, kind: 'privacy-token', from: '15551110002' });
const tn = await c.next((n) => n.attrs?.id === tp.id);
const token = Buffer.from(kid(kid(tn, 'tokens'), 'token').content);
check(tn?.attrs.type === 'privacy_token' && tn.attrs.sender_lid === '200000000000002@lid' && kid(kid(tn, 'tokens'), 'token').attrs.type === 'trusted_contact', 'privacy_token notification shape');
const st1 = kid(kid(kid(kid(await status(token), 'usync'), 'list'), 'user'), 'status');
check(Buffer.from(st1?.content || []).toString() === 'only for contacts', 'with the <tctoken> the about text is visible');

// ---- injected errors ----
await ctl('POST', '/fault', { kind: 'usync-error', protocol: 'contact', code: 429, text: 'rate-overlimit', backoff: 3600 });
const pe = await c.query(iq('usync', 'get', [{ tag: 'usync', attrs: { sid: 'raw.s3', mode: 'query', last: 'true', index: '0', context: 'interactive' }, content: [
	{ tag: 'query', attrs: {}, content: [{ tag: 'contact', attrs: {} }, { tag: 'lid', attrs: {} }] },
	{ tag: 'list', attrs: {}, content: [{ tag: 'user', attrs: {}, content: [{ tag: 'contact', attrs: {}, content: '+15551110001' }] }] }] }]));
const perr = kid(kid(kid(kid(pe, 'usync'), 'result'), 'contact'), 'error');
const pu = kid(kid(kid(pe, 'usync'), 'list'), 'user');
check(perr?.attrs.code === '429' && perr.attrs.backoff === '3600' && !kid(pu, 'contact') && kid(pu, 'lid'), 'per-protocol usync error with backoff inside <result>', JSON.stringify(perr?.attrs));
await ctl('POST', '/fault', { kind: 'iq-error', match: { xmlns: 'w:g2' }, code: 429, backoff: 20, count: 2 });
const g1 = await c.query(iq('w:g2', 'get', [{ tag: 'participating', attrs: {} }], '@g.us'));
const g2 = await c.query(iq('w:g2', 'get', [{ tag: 'participating', attrs: {} }], '@g.us'));
const g3 = await c.query(iq('w:g2', 'get', [{ tag: 'participating', attrs: {} }], '@g.us'));
check(kid(g1, 'error')?.attrs.backoff === '20' && g2?.attrs.type === 'error' && g3?.attrs.type === 'result', 'iq-error fires count=2 times, with its backoff');
check(kids(kid(g3, 'groups')).length === 2 && !kid(kids(kid(g3, 'groups'))[0], 'participant'), 'participating without <participants/> lists no members');
const g404 = await c.query(iq('w:g2', 'get', [{ tag: 'query', attrs: { request: 'interactive' } }], '120363999999999999@g.us'));
check(kid(g404, 'error')?.attrs.code === '404', 'an unknown group answers 404');
const u501 = await c.query(iq('w:whatever', 'get', [{ tag: 'x', attrs: {} }]));
check(kid(u501, 'error')?.attrs.code === '501', 'an unmodelled IQ answers 501');
const bundle = await c.query(iq('encrypt', 'get', [{ tag: 'key', attrs: {}, content: [{ tag: 'user', attrs: { jid: `15551110001${S}` } }] }]));
const bu = kid(kid(bundle, 'list'), 'user'), sk = kid(bu, 'skey');
check(bu && verify(Buffer.from(kid(bu, 'identity').content), Buffer.concat([Buffer.from([5]), Buffer.from(kid(sk, 'value').content)]), Buffer.from(kid(sk, 'signature').content)),
	'prekey bundle for a contact: signed prekey verifies');

// ---- pings both ways, silence ----
const pr = await c.query(iq('w:p', 'get'));
check(pr?.attrs.type === 'result' && pr.attrs.from === S, 'w:p ping answered');
const pt = await c.query(iq('w:p', 'get', undefined, 's.whatsapp.net'));
const tokNote = (await ctl('GET', '/problems')).notes.find((n) => /as a string, not the server JID/.test(n.what));
check(pt?.attrs.from === S && tokNote, 'to="s.whatsapp.net" as a plain token: answered from the JID, and noted');
const from = c.nodes.length;
await ctl('POST', '/ping', { device: jid });
const sp = await c.next((n) => n.attrs?.xmlns === 'urn:xmpp:ping', 3000, from);
check(sp?.attrs.type === 'get' && sp.attrs.from === S, 'server ping arrives');
c.send({ tag: 'iq', attrs: { to: S, type: 'result', id: sp.attrs.id } });
check((await ctl('POST', '/wait', { match: { kind: 'server-ping', jid } })).answered, 'the answer is recorded');
const silence = (await ctl('POST', '/fault', { kind: 'silence', device: jid })).fault;
check(!(await c.query(iq('w:p', 'get'), 500)), 'silence: pings go unanswered');
await ctl('DELETE', `/faults/${silence.id}`);
check(await c.query(iq('w:p', 'get')), 'after the fault is removed, pings are answered again');

// ---- frame faults ----
await ctl('POST', '/fault', { kind: 'garbage', device: jid, bytes: 40 });
await sleep(200);
check(/Unsupported state|authenticate/.test(String(c.error)), 'garbage: a frame that does not authenticate', String(c.error));
c.close();
c = await login();
await c.next((n) => n.tag === 'success');
await ctl('POST', '/fault', { kind: 'truncate', device: jid });
check(await c.closed(), 'truncate: the server closes');
const last = c.raw.at(-1);
check(last?.length === 8 && last.readUIntBE(0, 3) === 100, 'truncate: a header for 100 bytes, 5 sent', last?.toString('hex'));

// ---- restart on the same port, then a new process on the same state ----
c = await login();
await c.next((n) => n.tag === 'success');
await ctl('POST', '/restart', { downMs: 300 });
check(await c.closed(2000), 'restart drops the connections');
c = await login();
check(await c.next((n) => n.tag === 'success'), 'after a restart the device logs in on the same port');
c.close();
const before = fw.ready;
await fw.stop();
fw = await startFakeWA(serverArgs, { stderr: args.verbose ? 'inherit' : 'ignore' });
check(fw.ready.rootPub === before.rootPub, 'a new process on the same --state keeps the root key');
const devs = (await ctl('GET', '/devices')).devices;
check(devs.some((d) => d.jid === jid && !d.removed && d.prekeys === 0), 'and the linked devices', JSON.stringify(devs.map((d) => d.jid)));
c = await login();
check(await c.next((n) => n.tag === 'success'), 'the device logs in to the new process');

// ---- idle close, version and login failures ----
await ctl('POST', '/config', { idleTimeoutMs: 400 });
c.close();
c = await login();
await c.next((n) => n.tag === 'success');
check(await c.closed(2000), 'idle timeout: a silent connection is closed');
await ctl('POST', '/config', { idleTimeoutMs: 0, minVersion: 1045649367 });
c = await login();
const f405 = await c.next((n) => n.tag === 'failure');
check(f405?.attrs.reason === '405' && await c.closed(), 'a stale version gets <failure reason=405>');
await ctl('POST', '/config', { minVersion: 0 });
c = await RawClient.connect(fw.ready.plainUrl, { noiseKey: initAuthCreds().noiseKey, payload: loginPayload() });
const f401 = await c.next((n) => n.tag === 'failure');
check(f401?.attrs.reason === '401', 'a login with a Noise key the device did not register gets 401');
const probs = (await ctl('GET', '/problems')).problems;
check(probs.some((p) => /Noise key the device did not register/.test(p.what)), 'and the server records why');

c.close();
await fw.stop();
console.log(`${t.pass} passed, ${t.fail} failed`);
process.exit(t.fail ? 1 : 0);
