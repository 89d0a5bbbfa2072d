// The `procnet` command line, over the same core as the extension:
//   source → capture → parse/join → snapshot → (select) → text or JSON.
import * as fs from 'fs';
import { validateCapture, type Capture } from './collect/capture';
import { readProcTree } from './collect/procfsReader';
import { formatSnapshot } from './cliFormat';
import { buildSnapshot } from './model/join';
import { selectSnapshot, type Selection } from './model/select';
import type { SocketKind } from './procfs/types';

const KINDS: readonly SocketKind[] = ['tcp', 'udp', 'udplite', 'raw', 'icmp', 'unix', 'packet', 'netlink', 'sctp'];

const USAGE = `usage: procnet snapshot [options]     print sockets grouped by process
       procnet capture [--proc-root DIR] write one raw capture (JSON) to stdout

snapshot options:
  --json               print the snapshot as JSON (schemaVersion 1)
  --pid N[,M...]       only these processes (and the sockets they hold)
  --children           with --pid: their descendants too
  --listening          only listening sockets (LISTEN, and bound datagram sockets)
  --kind K[,K...]      only these kinds: ${KINDS.join(', ')}
  --proc-root DIR      read DIR instead of /proc
  --from-capture FILE  read a capture written by 'procnet capture'
  -h, --help           this text
`;

class UsageError extends Error {}

interface Options {
	command: 'snapshot' | 'capture';
	json: boolean;
	selection: Selection;
	procRoot?: string;
	fromCapture?: string;
}

function parsePids(v: string): number[] {
	const parts = v.split(',');
	const out: number[] = [];
	for (const p of parts) {
		if (!/^[1-9]\d{0,9}$/.test(p)) throw new UsageError(`--pid takes positive process ids separated by commas, not ${JSON.stringify(v)}`);
		out.push(Number(p));
	}
	return out;
}

function parseArgs(argv: string[]): Options | 'help' {
	if (argv.length === 0 || argv[0] === '-h' || argv[0] === '--help') return 'help';
	const command = argv[0];
	if (command !== 'snapshot' && command !== 'capture') throw new UsageError(`unknown command ${JSON.stringify(command)}`);
	const o: Options = { command, json: false, selection: {} };
	for (let i = 1; i < argv.length; i++) {
		const a = argv[i];
		const eq = a.indexOf('=');
		const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
		const value = (): string => {
			if (a.startsWith('--') && eq > 0) return a.slice(eq + 1);
			const v = argv[++i];
			if (v === undefined) throw new UsageError(`${flag} needs a value`);
			return v;
		};
		switch (flag) {
			case '-h':
			case '--help':
				return 'help';
			case '--json':
				o.json = true;
				break;
			case '--pid':
				o.selection.pids = parsePids(value());
				break;
			case '--children':
				o.selection.children = true;
				break;
			case '--listening':
				o.selection.listening = true;
				break;
			case '--kind': {
				const ks = value().split(',');
				for (const k of ks) if (!KINDS.includes(k as SocketKind)) throw new UsageError(`unknown kind ${JSON.stringify(k)}; kinds are ${KINDS.join(', ')}`);
				o.selection.kinds = ks as SocketKind[];
				break;
			}
			case '--proc-root':
				o.procRoot = value();
				break;
			case '--from-capture':
				o.fromCapture = value();
				break;
			default:
				throw new UsageError(`unknown option ${JSON.stringify(a)}`);
		}
	}
	if (o.selection.children && !o.selection.pids) throw new UsageError('--children goes with --pid');
	if (o.procRoot && o.fromCapture) throw new UsageError('--proc-root and --from-capture exclude each other');
	if (o.command === 'capture' && (o.fromCapture || o.json || o.selection.pids || o.selection.kinds || o.selection.listening))
		throw new UsageError('capture takes only --proc-root');
	return o;
}

function loadCapture(o: Options): Capture {
	if (o.fromCapture) {
		let text: string;
		try {
			text = fs.readFileSync(o.fromCapture, 'utf8');
		} catch (e) {
			throw new Error(`cannot read ${o.fromCapture}: ${(e as Error).message}`);
		}
		let json: unknown;
		try {
			json = JSON.parse(text);
		} catch {
			throw new Error(`${o.fromCapture} is not JSON: not a procnet capture`);
		}
		return validateCapture(json);
	}
	return readProcTree({ root: o.procRoot });
}

export function main(argv: string[]): number {
	let o: Options | 'help';
	try {
		o = parseArgs(argv);
	} catch (e) {
		if (e instanceof UsageError) {
			process.stderr.write(`procnet: ${e.message}\n${USAGE}`);
			return 2;
		}
		throw e;
	}
	if (o === 'help') {
		process.stdout.write(USAGE);
		return 0;
	}
	try {
		const capture = loadCapture(o);
		if (o.command === 'capture') {
			writeOut(JSON.stringify(capture) + '\n');
			return 0;
		}
		const snap = buildSnapshot(capture);
		const pids = o.selection.pids;
		if (pids) {
			const known = new Set(snap.processes.map((p) => p.pid));
			const missing = pids.filter((p) => !known.has(p));
			if (missing.length) {
				process.stderr.write(`procnet: no process with pid ${missing.join(', ')} on ${snap.host.hostname} (it may have exited, or be hidden from this user by hidepid)\n`);
				return 1;
			}
		}
		const sel = selectSnapshot(snap, o.selection);
		writeOut(o.json ? JSON.stringify(sel, null, 1) + '\n' : formatSnapshot(sel));
		return 0;
	} catch (e) {
		process.stderr.write(`procnet: ${(e as Error).message}\n`);
		return 1;
	}
}

/** Writes all of `text` even when stdout is a pipe (process.stdout.write is async on pipes and exit() would cut it). */
function writeOut(text: string): void {
	const buf = Buffer.from(text, 'utf8');
	let off = 0;
	while (off < buf.length) {
		try {
			off += fs.writeSync(1, buf, off);
		} catch (e) {
			if ((e as { code?: string }).code === 'EAGAIN') continue;
			if ((e as { code?: string }).code === 'EPIPE') return;
			throw e;
		}
	}
}

if (require.main === module) {
	process.exitCode = main(process.argv.slice(2));
}
