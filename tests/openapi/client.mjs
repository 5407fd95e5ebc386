// A client generated at run time from the document the server serves
// (openapi-client-axios) calls every operation once, by operationId, as a
// client developer would; each answer must be one the operation expects and
// match the document (check.mjs).  Run by the e2e suite for each server:
//   node client.mjs '{"base", "server", "manageKey", "readKey", "session",
//                     "lid", "jid", "group", "phone", "pairPhone"}'
// Prints one line per call and ends with "N passed, N failed".
import { OpenAPIClientAxios } from 'openapi-client-axios';
import yaml from 'js-yaml';
import { Checker } from './check.mjs';

const fx = JSON.parse(process.argv[2]);
const text = await (await fetch(fx.base + '/api/v1/openapi.yaml')).text();
const doc = yaml.load(text);
const checker = await Checker.load(text, fx.server);
const api = new OpenAPIClientAxios({
  definition: doc,
  withServer: { url: fx.base },
  axiosConfigDefaults: {
    validateStatus: () => true,         // every status is an answer to check
    responseType: 'arraybuffer',
    transformResponse: [(data) => data],
    maxRedirects: 0,
    timeout: 20000,
  },
});
const client = await api.init();

const manage = { headers: { Authorization: 'Bearer ' + fx.manageKey } };
const read = { headers: { 'x-api-key': fx.readKey } };
const none = {};
const S = { session: fx.session };

// The calls, in an order that works: a new session lives its whole life.
// [operationId, params, body, config, expected statuses]
let created = null;
const calls = [
  ['createSession', null, { label: 'generated client', start: false }, manage, [201]],
  ['listSessions', { limit: 200 }, null, manage, [200]],
  ['headListSessions', { limit: 200 }, null, manage, [200]],
  ['getSession', () => ({ session: created }), null, manage, [200]],
  ['headGetSession', () => ({ session: created }), null, manage, [200]],
  ['getSessionMe', () => ({ session: created }), null, manage, [200]],
  ['headGetSessionMe', () => ({ session: created }), null, manage, [200]],
  ['requestPairingCode', () => ({ session: created }), { phone: fx.pairPhone }, manage, [200]],
  // Pairing by code: no QR for now.
  ['getSessionQr', () => ({ session: created }), null, manage, [409]],
  ['headGetSessionQr', () => ({ session: created, format: 'svg' }), null, manage, [409]],
  ['stopSession', () => ({ session: created }), {}, manage, [200]],
  ['startSession', () => ({ session: created }), {}, manage, [200]],
  ['restartSession', () => ({ session: created }), {}, manage, [200]],
  ['logoutSession', () => ({ session: created }), {}, manage, [200]],
  ['deleteSession', () => ({ session: created }), null, manage, [204]],
  ['listContacts', { ...S, q: 'a', limit: 5 }, null, read, [200]],
  ['headListContacts', { ...S, source: 'dm' }, null, read, [200]],
  ['checkPhone', { ...S, phone: fx.phone }, null, read, [200]],
  ['headCheckPhone', { ...S, phone: fx.phone }, null, read, [200]],
  ['checkPhones', S, { phones: [fx.phone] }, read, [200]],
  ['getContact', { ...S, lid: fx.lid }, null, read, [200]],
  ['headGetContact', { ...S, lid: fx.lid }, null, read, [200]],
  ['getAbout', { ...S, jid: fx.jid }, null, read, [200]],
  ['headGetAbout', { ...S, jid: fx.jid }, null, read, [200]],
  ['listGroups', { ...S, limit: 2 }, null, read, [200]],
  ['headListGroups', S, null, read, [200]],
  ['getGroup', { ...S, group: fx.group }, null, read, [200]],
  ['headGetGroup', { ...S, group: fx.group }, null, read, [200]],
  ['listGroupMembers', { ...S, group: fx.group, role: 'admin' }, null, read, [200]],
  ['headListGroupMembers', { ...S, group: fx.group }, null, read, [200]],
  ['getOpenApi', null, null, none, [200]],
  ['headGetOpenApi', null, null, none, [200]],
  ['healthz', null, null, none, [200]],
  ['headHealthz', null, null, none, [200]],
  ['readyz', null, null, none, [200]],
  ['headReadyz', null, null, none, [200]],
];
// Every OPTIONS: 204, no credential.
for (const op of api.getOperations())
  if (op.method === 'options')
    calls.push([op.operationId, { session: fx.session, jid: fx.jid, lid: fx.lid, group: fx.group },
      null, none, [204]]);

let passed = 0;
let failed = 0;
const called = new Set();
for (const [opId, params, body, config, want] of calls) {
  called.add(opId);
  const problems = [];
  let res;
  try {
    const p = typeof params === 'function' ? params() : params;
    res = await client[opId](p, body, config);
  } catch (e) {
    problems.push(`no answer: ${e.message}`);
  }
  if (res !== undefined) {
    const headers = {};
    for (const [k, v] of Object.entries(res.headers))
      headers[k.toLowerCase()] = Array.isArray(v) ? v : [String(v)];
    const target = res.request.path;
    const bodyBuf = Buffer.from(res.data ?? []);
    if (!want.includes(res.status))
      problems.push(`status ${res.status}, want ${want.join(' or ')}: ` +
        bodyBuf.toString('utf8').slice(0, 200));
    problems.push(...checker.check({
      method: res.config.method.toUpperCase(), target, status: res.status, headers,
      body: bodyBuf,
    }));
    if (opId === 'createSession' && res.status === 201)
      created = JSON.parse(bodyBuf.toString('utf8')).id;
  }
  if (problems.length === 0) {
    passed++;
    console.log(`ok   ${opId} ${res.status}`);
  } else {
    failed++;
    console.log(`FAIL ${opId}: ${problems.join('; ')}`);
  }
}
// Each operation of the document, once: none left out, none unknown.
for (const op of api.getOperations()) {
  if (!called.has(op.operationId)) {
    failed++;
    console.log(`FAIL ${op.operationId}: never called`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
