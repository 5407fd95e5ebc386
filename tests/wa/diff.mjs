// Entry point of the differential and loopback tests; see ./run.
import { Tool, Tally } from './lib.mjs';
import * as node from './diff-node.mjs';
import * as crypto from './diff-crypto.mjs';
import * as pb from './diff-pb.mjs';
import * as session from './diff-session.mjs';
import * as loopback from './loopback.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const tool = new Tool(args.tool);
const t = new Tally();
const seed = Number(args.seed || Date.now() % 1000000);
console.log(`seed=${seed}`);
// Whatever hangs, the run ends with the summary line.
setTimeout(() => { t.check(false, 'watchdog', 'no result after 170 s'); console.log(`${t.pass} passed, ${t.fail} failed`); process.exit(1); }, 170000);
try {
	if (!args.only || args.only === 'crypto') await crypto.run(tool, t, { seed, rounds: Number(args.rounds || 200) });
	if (!args.only || args.only === 'pb') await pb.run(tool, t, { seed, rounds: Number(args.pbrounds || 150) });
	if (!args.only || args.only === 'session') await session.run(tool, t, { seed });
	if (!args.only || args.only === 'node') await node.run(tool, t, { seed, nodes: Number(args.nodes || 1500), mutations: Number(args.mutations || 3000) });
	if ((!args.only || args.only === 'loopback') && args.client)
		await loopback.run(t, { seed, version: (await tool.call('version')).split('.').map(Number), client: args.client, cert: args.cert, key: args.key, otherCert: args.othercert });
} catch (e) {
	t.check(false, 'harness', e.stack || String(e));
} finally {
	tool.close();
}
console.log(`${t.pass} passed, ${t.fail} failed`);
process.exit(t.fail ? 1 : 0);
