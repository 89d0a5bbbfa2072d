// procnet against the rest of the system: another network namespace, ss's own view of the
// same sockets, and a run as an unprivileged user.
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as net from 'net';
import type { SocketInfo } from '../../src/model/snapshot';
import { findInet, ownerPids, runCli, snapshotJson, startPython, type PyHelper } from './helpers';

const PY_LISTENER = `
import socket, json, time, os
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(4)
print(json.dumps({'pid': os.getpid(), 'port': l.getsockname()[1]}))
time.sleep(3600)`;

function sh(cmd: string, args: string[]): Promise<string> {
	return new Promise((resolve, reject) =>
		execFile(cmd, args, { maxBuffer: 256 * 1024 * 1024 }, (err, out, stderr) => (err ? reject(new Error(`${cmd}: ${err.message} ${stderr}`)) : resolve(out))),
	);
}

describe('network namespaces', function () {
	this.timeout(30_000);
	let py: PyHelper;
	before(async () => {
		// Its own network namespace with only a loopback interface, brought up so 127.0.0.1 exists.
		py = await startPython(PY_LISTENER, ['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"']);
	});
	after(() => py?.stop());

	it('labels a private namespace\'s sockets with that namespace, and reads its tables', async () => {
		const snap = await snapshotJson();
		const pid = py.info.pid as number;
		const proc = snap.processes.find((p) => p.pid === pid);
		const me = snap.processes.find((p) => p.pid === process.pid);
		assert.ok(proc && me);
		assert.ok(proc.netns && proc.netns.startsWith('net:['), String(proc.netns));
		assert.notStrictEqual(proc.netns, me.netns, 'the helper runs in another namespace');
		const l = findInet(snap, 'tcp', '127.0.0.1', py.info.port as number, (s) => s.state === 'LISTEN' && s.netns === proc.netns);
		assert.strictEqual(l.length, 1, 'the listener is found in the helper\'s namespace');
		assert.deepStrictEqual(ownerPids(l[0]), [pid]);
		// And it is not reported as part of our namespace (tables were not mixed up).
		const inMine = snap.sockets.filter((s) => s.inode === l[0].inode && s.netns === me.netns);
		assert.strictEqual(inMine.length, 0);
	});
});

// ss netid/state names → ours.
const SS_STATE: Record<string, string> = {
	ESTAB: 'ESTABLISHED', LISTEN: 'LISTEN', UNCONN: 'UNCONN', 'SYN-SENT': 'SYN_SENT', 'SYN-RECV': 'SYN_RECV',
	'FIN-WAIT-1': 'FIN_WAIT1', 'FIN-WAIT-2': 'FIN_WAIT2', 'TIME-WAIT': 'TIME_WAIT', 'CLOSE-WAIT': 'CLOSE_WAIT',
	'LAST-ACK': 'LAST_ACK', CLOSING: 'CLOSING',
};

interface SsRow {
	netid: string;
	state: string;
	local: string;
	peer: string;
	inode: string;
	pids: number[];
	line: string;
}

/** `[::1]:80` / `127.0.0.1%lo:53` / `*:*` → { addr, port }. */
function ssAddr(text: string): { addr: string; port: string } {
	const i = text.lastIndexOf(':');
	let addr = text.slice(0, i);
	const port = text.slice(i + 1);
	if (addr.startsWith('[') && addr.endsWith(']')) addr = addr.slice(1, -1);
	const pct = addr.indexOf('%');
	if (pct >= 0) addr = addr.slice(0, pct);
	return { addr, port };
}

function parseSs(out: string): SsRow[] {
	const rows: SsRow[] = [];
	for (const line of out.split('\n').slice(1)) {
		const t = line.trim().split(/\s+/);
		if (t.length < 6 || !['tcp', 'udp'].includes(t[0])) continue;
		const ino = /\bino:(\d+)/.exec(line);
		const pids = [...line.matchAll(/pid=(\d+),fd=\d+/g)].map((m) => Number(m[1]));
		if (!ino || ino[1] === '0' || pids.length === 0) continue;
		rows.push({ netid: t[0], state: t[1], local: t[4], peer: t[5], inode: ino[1], pids: [...new Set(pids)].sort((a, b) => a - b), line });
	}
	return rows;
}

describe('cross-check with ss -tuaxwnpe', function () {
	this.timeout(30_000);
	let server: net.Server;
	let client: net.Socket;
	before(async () => {
		server = net.createServer(() => undefined);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		client = await new Promise<net.Socket>((r) => {
			const c = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1', () => r(c));
		});
	});
	after(() => {
		client?.destroy();
		server?.close();
	});

	it('every socket ss shows with an inode and owners is ours too, with the same addresses, state and owner pids', async () => {
		// ss and procnet look at different instants: keep only what ss saw identically before and after.
		const before = parseSs(await sh('ss', ['-tuaxwnpe']));
		const snap = await snapshotJson();
		const afterLines = new Set(parseSs(await sh('ss', ['-tuaxwnpe'])).map((r) => `${r.netid} ${r.state} ${r.local} ${r.peer} ${r.inode} ${r.pids}`));
		const stable = before.filter((r) => afterLines.has(`${r.netid} ${r.state} ${r.local} ${r.peer} ${r.inode} ${r.pids}`));
		assert.ok(stable.length >= 3, `ss showed ${stable.length} stable owned sockets`);
		const byInode = new Map<string, SocketInfo>();
		for (const s of snap.sockets) if (s.netns === snap.processes.find((p) => p.pid === process.pid)?.netns) byInode.set(s.inode, s);
		const problems: string[] = [];
		for (const r of stable) {
			const s = byInode.get(r.inode);
			if (!s) {
				problems.push(`missing: ${r.line}`);
				continue;
			}
			const l = ssAddr(r.local), p = ssAddr(r.peer);
			const ours = [s.kind, s.state, s.localAddress, String(s.localPort), s.remotePort ? s.remoteAddress : '*', s.remotePort ? String(s.remotePort) : '*', ownerPids(s).join(',')];
			const localAddr = l.addr === '*' ? (s.ipVersion === 6 ? '::' : '0.0.0.0') : l.addr;
			const theirs = [r.netid, SS_STATE[r.state] ?? r.state, localAddr, l.port, p.port === '*' ? '*' : p.addr, p.port, r.pids.join(',')];
			if (JSON.stringify(ours) !== JSON.stringify(theirs)) problems.push(`differs: ss ${JSON.stringify(theirs)} vs procnet ${JSON.stringify(ours)}`);
		}
		assert.deepStrictEqual(problems, []);
		// Our own listener must have been among them.
		const port = String((server.address() as net.AddressInfo).port);
		assert.ok(stable.some((r) => r.state === 'LISTEN' && ssAddr(r.local).port === port));
	});
});

describe('as an unprivileged user (setpriv --reuid=65534)', function () {
	this.timeout(30_000);
	let server: net.Server;
	let nobody: PyHelper;
	const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
	before(async function () {
		if (process.getuid!() !== 0) this.skip(); // needs root to switch users; CI runs as root
		server = net.createServer(() => undefined);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		nobody = await startPython(PY_LISTENER, asNobody);
	});
	after(() => {
		server?.close();
		nobody?.stop();
	});

	it('does not crash, names its own sockets\' owners and marks root\'s as permission-denied', async () => {
		const r = await runCli(['snapshot', '--json'], { wrap: asNobody });
		assert.strictEqual(r.code, 0, r.stderr);
		const snap = JSON.parse(r.stdout) as import('../../src/model/snapshot').Snapshot;
		const mine = findInet(snap, 'tcp', '127.0.0.1', (server.address() as net.AddressInfo).port, (s) => s.state === 'LISTEN');
		assert.strictEqual(mine.length, 1, 'root\'s listener is still listed');
		assert.deepStrictEqual([mine[0].owners.length, mine[0].ownerUnknown, mine[0].uid], [0, 'permission-denied', 0]);
		const me = snap.processes.find((p) => p.pid === process.pid);
		assert.strictEqual(me?.fdAccess, 'denied');
		const theirs = findInet(snap, 'tcp', '127.0.0.1', nobody.info.port as number, (s) => s.state === 'LISTEN');
		assert.strictEqual(theirs.length, 1);
		assert.deepStrictEqual(ownerPids(theirs[0]), [nobody.info.pid as number]);
		assert.strictEqual(theirs[0].uid, 65534);
	});
});
