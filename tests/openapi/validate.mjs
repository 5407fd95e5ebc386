// The e2e harness's validator: one Node process for the whole run
// (tests/e2e/harness.py starts it).  Reads one JSON line per exchange on
// stdin and answers one JSON line on stdout:
//   in:  {"base": "http://127.0.0.1:PORT", "server": "lighttpd", "method",
//         "target", "status", "headers": {name: [values]}, "body": base64}
//   out: {"errors": [...]}
// The first exchange with a server fetches the document that server serves
// (GET /api/v1/openapi.yaml) and checks every later exchange against it.
// {"stats": true} answers {"stats": {"operationId status": count, ...}}.
import readline from 'node:readline';
import { Checker } from './check.mjs';

const checkers = new Map();             // base -> Promise<Checker>

async function checkerFor(base, server) {
  if (!checkers.has(base)) {
    checkers.set(base, (async () => {
      const res = await fetch(base + '/api/v1/openapi.yaml');
      if (res.status !== 200) throw new Error(`GET /api/v1/openapi.yaml: ${res.status}`);
      return Checker.load(await res.text(), server);
    })());
  }
  return checkers.get(base);
}

async function answer(line) {
  const ex = JSON.parse(line);
  if (ex.stats) {
    const stats = {};
    for (const c of checkers.values()) {
      for (const [k, n] of (await c).seen) stats[k] = (stats[k] ?? 0) + n;
    }
    return { stats };
  }
  const checker = await checkerFor(ex.base, ex.server);
  return {
    errors: checker.check({
      method: ex.method, target: ex.target, status: ex.status, headers: ex.headers,
      body: Buffer.from(ex.body, 'base64'),
    }),
  };
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
for await (const line of rl) {
  let out;
  try {
    out = await answer(line);
  } catch (e) {
    out = { errors: [`validator: ${e.stack ?? e}`] };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
