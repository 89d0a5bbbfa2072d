// A node process of a test's with one TCP connection to its own server on 127.0.0.1, idle or
// pumping ~6 MB/s (64 KiB every 10 ms) from its client: what the traffic tests measure. Shared by
// the integration, extension-host and UI tests (the last through out/).
import { spawn, type ChildProcess } from 'child_process';

/** `node -e` arguments; `name`, when given, becomes the process name (/proc/self/comm). It prints "up" once connected. */
export function holderArgs(pump: boolean, name?: string): string[] {
	const code = `
if (process.argv[1]) require('fs').writeFileSync('/proc/self/comm', process.argv[1]);
const net = require('net');
const srv = net.createServer((c) => c.on('data', () => {})).listen(0, '127.0.0.1', () => {
	const c = net.connect(srv.address().port, '127.0.0.1', () => {
		if (${pump}) setInterval(() => c.write(Buffer.alloc(65536, 7)), 10);
		console.log('up');
	});
});`;
	return ['-e', code, name ?? ''];
}

/** Starts one (holderArgs) and resolves once it is connected. */
export function startLoopbackHolder(pump: boolean, name?: string): Promise<ChildProcess> {
	const child = spawn(process.execPath, holderArgs(pump, name), { stdio: ['ignore', 'pipe', 'inherit'] });
	return new Promise((resolve, reject) => {
		child.once('error', reject);
		child.stdout!.once('data', () => resolve(child));
	});
}
