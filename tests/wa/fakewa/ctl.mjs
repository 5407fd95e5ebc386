// Starts fakewa (main.mjs) as a child process and talks to its control
// channel: what a JavaScript test needs; Python and C tests do the same
// over HTTP (see README.md).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.mjs', import.meta.url));

// Resolves to { ready, ctl(method, path, body), stop() } once the server
// printed its ready line.  ctl() resolves to the JSON answer; a non-2xx
// answer rejects with an Error carrying .status and .body.
export function startFakeWA(args, { stderr = 'inherit' } = {}) {
	const proc = spawn(process.execPath, [MAIN, '--exit-with-parent', ...args], { stdio: ['ignore', 'pipe', stderr] });
	return new Promise((resolve, reject) => {
		proc.once('exit', (code) => reject(new Error(`fakewa exited (${code}) before it was ready`)));
		createInterface({ input: proc.stdout }).once('line', (line) => {
			const ready = JSON.parse(line);
			const base = `http://127.0.0.1:${ready.control}`;
			const ctl = async (method, path, body) => {
				const r = await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
				const j = await r.json();
				if (!r.ok) throw Object.assign(new Error(`${method} ${path}: ${r.status} ${j.error}`), { status: r.status, body: j });
				return j;
			};
			const stop = () => new Promise((res) => { proc.removeAllListeners('exit'); proc.once('exit', res); proc.kill('SIGTERM'); });
			resolve({ ready, ctl, stop, proc });
		});
	});
}
