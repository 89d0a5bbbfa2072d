// The `procnet` command line, over the same core as the extension:
//   source → capture → parse/join → snapshot → (select) → text or JSON.
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { validateCapture, type Capture, type CaptureHost } from './collect/capture';
import { closeConnection, closeTarget, type CloseResult } from './collect/closeConnection';
import { PARALLEL_THRESHOLD, readProcTreeParallel, socketsInUse } from './collect/parallelReader';
import { readProcTree, readProcTreeParsed, type TableSink } from './collect/procfsReader';
import { readCaptureFile } from './collect/remoteCapture';
import { captureRecipe } from './collect/remoteScript';
import { sshSource, type ShellSource } from './collect/shellSource';
import { formatSnapshot, missingPids } from './cliFormat';
import { formatFreePorts } from './cliFreePort';
import { formatPeers } from './cliPeers';
import { lookupHere, nameIn, PeerNameCache } from './collect/peerNames';
import { drain } from './model/drain';
import { groupByPeer, peerNameOf } from './model/peers';
import { snapshotJsonPieces } from './model/snapshotJson';
import { SnapshotJson } from './model/tableJson';
import { trafficLoop } from './cliTraffic';
import { askHere, askThrough } from './collect/trafficMeter';
import { killPorts } from './cliKillPort';
import { localSignaller, sessionSignaller } from './collect/signaller';
import { readTcpInfoByNamespace } from './collect/tcpInfo';
import { readEphemeralRange } from './collect/ephemeralRange';
import { MAX_SPAN, parsePortRange, parsePorts, selfNetns, type PortProtocol, type PortRange } from './model/freePorts';
import { toCsv } from './model/csv';
import { watch, type WatchIo } from './cliWatch';
import { visible } from './model/describe';
import { parseFilter, parseIp, unmapped } from './model/filter';
import { buildSnapshot, type ParsedNamespaces } from './model/join';
import type { OwnerIndex } from './model/ownerIndex';
import { narrows, selectSnapshot, splitSelectionByPeer, type Selection } from './model/select';
import type { Snapshot, SocketInfo } from './model/snapshot';
import type { SocketKind } from './procfs/types';

const KINDS: readonly SocketKind[] = ['tcp', 'udp', 'udplite', 'raw', 'icmp', 'unix', 'packet', 'netlink', 'sctp'];

const USAGE = `usage: procnet snapshot [options]     print sockets grouped by process
       procnet watch [options]        print each socket that opens, closes or changes, as
                                         it does (the snapshot options but --from-capture;
                                         --interval SECONDS between reads, default 2; with
                                         --json one event per line; --resolve names the
                                         peers of what it prints); Ctrl-C stops, and with
                                         --pid it ends when those processes have exited
       procnet capture [--proc-root DIR | --ssh HOST] write one raw capture (JSON) to stdout
       procnet capture --recipe          print a one-line sh command that writes a capture
                                         on a machine without procnet or node
       procnet close LOCAL REMOTE        abort the TCP connection LOCAL -> REMOTE of this
                                         machine (ADDR:PORT, [IPV6]:PORT), as ss -K does: its
                                         owner sees ECONNABORTED, its peer a reset; needs ss
                                         and root (CAP_NET_ADMIN)
       procnet close --id ID             the same for the socket with that id (snapshot --json)
       procnet close --ssh HOST ...      the same on that host, through one ssh session (ss
                                         and the rights it needs there); --ssh-config FILE
       procnet traffic [--pid N[,M...] [--children]] [--interval SECONDS] [--count N]
                                         [--samples N] [--json] [--ssh HOST]
                                         each process's TCP traffic now, busiest first (bytes
                                         per second each way, and in all), every interval
                                         (default 2 s): the kernel's counters by ss, here or
                                         on an ssh host over one session; --count processes
                                         per interval (default 10); --samples intervals
                                         before it ends (default: Ctrl-C)
       procnet kill-port PORT[,PORT...]  terminate what listens on those ports (TCP; --udp for
                                         UDP): SIGTERM to each owner, parents first, while it
                                         still has the start time read; SIGKILL to those still
                                         running after --grace SECONDS (default 3); --ssh HOST
                                         does it there through one session
       procnet peers [snapshot options]  connected sockets by remote address, the peer holding
                                         the most first, with their states and the processes
                                         that hold them; --count N peers (default 20); --json;
                                         --resolve names each peer by the host's own resolver
                                         (getent hosts: /etc/hosts, DNS), there over --ssh
       procnet free-port PORT|FROM-TO    which ports a server could bind now, and what holds
                                         the others: from FROM on until --count N (default 5)
                                         free ones; --udp for UDP (default TCP); --json; exit
                                         status 0 when one is free, 1 when none is; read from
                                         /proc, --proc-root, --ssh or --from-capture

snapshot options:
  --json               print the snapshot as JSON (schemaVersion 1)
  --csv                print the sockets as CSV, one row each, owners in one cell
  --pid N[,M...]       only these processes (and the sockets they hold)
  --children           with --pid: their descendants too
  --listening          only listening sockets (LISTEN, and bound datagram sockets)
  --kind K[,K...]      only these kinds: ${KINDS.join(', ')}
  --port P[,P...]      only sockets with this local or remote port (P, or FROM-TO), as
                       lsof -i :P
  --filter QUERY       only sockets that match QUERY, the tree's filter language: terms
                       port:3000[-3100] state:listen kind:udp pid:123 user:NAME
                       addr:10.0.0.0/8 netns:ID unit:NAME container:ID peer:ADDR and plain
                       words, all of them; -TERM excludes (peer: matches addresses, and
                       with --resolve the names too)
  --resolve            name each socket's peer by the host's own resolver (getent hosts:
                       /etc/hosts, DNS; there over --ssh), as ss -r does: "peer NAME" in
                       the text, remoteName in --json (null: no name), remote_name in --csv
  --proc-root DIR      read DIR instead of /proc
  --from-capture FILE  read a capture written by 'procnet capture' or by the recipe
  --ssh [USER@]HOST[:PORT]  read that host over ssh (your ssh config, keys and agent;
                       never a password prompt); --ssh-config FILE or $PROCNET_SSH_CONFIG
                       passes 'ssh -F FILE'; --sudo runs the remote sh as root through
                       'sudo -n' (other users' sockets get their owners, as with sudo ss
                       -tulpn; sudo must allow it without a password)
  -h, --help           this text
  -V, --version        procnet's version
`;

class UsageError extends Error {}

interface Options {
	command: 'snapshot' | 'watch' | 'capture' | 'close' | 'free-port' | 'traffic' | 'kill-port' | 'peers';
	/** kill-port: the ports, and ms between SIGTERM and SIGKILL. */
	killPort?: { ports: number[]; protocol: PortProtocol; graceMs: number };
	/** traffic: intervals to print before ending. */
	samples?: number;
	json: boolean;
	csv?: boolean;
	selection: Selection;
	procRoot?: string;
	fromCapture?: string;
	ssh?: string;
	sshConfig?: string;
	/** --sudo: the ssh host's sh runs as root through `sudo -n`. */
	sudo?: boolean;
	recipe?: boolean;
	/** watch: ms from the end of one read to the start of the next. */
	intervalMs?: number;
	/** close: the connection's two ends, or its id. */
	close?: { local: Endpoint; remote: Endpoint } | { id: string };
	/** traffic: processes per interval. */
	count?: number;
	/** free-port: the ports to look at, the protocol, and how many free ones to list. */
	freePort?: { range: PortRange; protocol: PortProtocol; count: number };
	/** peers: how many to print. */
	peerCount?: number;
	/** peers and snapshot --resolve: name each peer by the host's resolver. */
	resolve?: boolean;
}

interface Endpoint {
	address: string;
	port: number;
}

/** `127.0.0.1:8080` or `[::1]:8080`: an IP address (never a name to look up) and a port. */
function parseEndpoint(v: string): Endpoint {
	const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(v) ?? /^([^:\[\]]+):(\d{1,5})$/.exec(v);
	const port = m ? Number(m[2]) : NaN;
	if (!m || !parseIp(m[1]) || port > 65535) throw new UsageError(`${JSON.stringify(v)} is not ADDR:PORT (an IPv6 address goes in brackets: [::1]:8080)`);
	return { address: m[1], port };
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

/** `--port`: ports and FROM-TO ranges (1-65535) separated by commas. */
function parsePortList(v: string): Array<[number, number]> {
	return v.split(',').map((item) => {
		const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(item);
		const lo = m ? Number(m[1]) : NaN, hi = m ? Number(m[2] ?? m[1]) : NaN;
		if (!(lo >= 1 && hi <= 65535 && lo <= hi)) throw new UsageError(`--port takes ports (1-65535) or FROM-TO ranges separated by commas, not ${JSON.stringify(v)}`);
		return [lo, hi];
	});
}

/** package.json's version, put in by the bundler (esbuild.js); undefined when this file is run unbundled. */
declare const PROCNET_VERSION: string | undefined;

function parseArgs(argv: string[]): Options | 'help' | 'version' {
	if (argv.length === 0 || argv[0] === '-h' || argv[0] === '--help') return 'help';
	if (argv[0] === '-V' || argv[0] === '--version') return 'version';
	const command = argv[0];
	if (command !== 'snapshot' && command !== 'watch' && command !== 'capture' && command !== 'close' && command !== 'free-port' && command !== 'traffic' && command !== 'kill-port' && command !== 'peers') throw new UsageError(`unknown command ${JSON.stringify(command)}`);
	const o: Options = { command, json: false, selection: {} };
	// close: its --id, or its two ends; free-port: its range (the only arguments that are not options).
	let id: string | undefined;
	const ends: string[] = [];
	let protocol: PortProtocol = 'tcp';
	let count: number | undefined;
	let graceMs: number | undefined;
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
			case '--csv':
				o.csv = true;
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
			case '--port':
				o.selection.ports = parsePortList(value());
				break;
			case '--filter': {
				const f = parseFilter(value());
				if (f.errors.length) throw new UsageError(`--filter: ${f.errors.join('; ')}`);
				if (f.terms.length) o.selection.filter = f;
				break;
			}
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
			case '--ssh':
				o.ssh = value();
				break;
			case '--ssh-config':
				o.sshConfig = value();
				break;
			case '--sudo':
				o.sudo = true;
				break;
			case '--resolve':
				o.resolve = true;
				break;
			case '--recipe':
				o.recipe = true;
				break;
			case '--id':
				id = value();
				break;
			case '--interval': {
				const v = value();
				const secs = /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
				if (!(secs >= 0.1 && secs <= 3600)) throw new UsageError(`--interval takes seconds from 0.1 to 3600, not ${JSON.stringify(v)}`);
				o.intervalMs = Math.round(secs * 1000);
				break;
			}
			case '--grace': {
				const v = value();
				const secs = /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
				if (!(secs >= 0 && secs <= 60)) throw new UsageError(`--grace takes seconds from 0 to 60, not ${JSON.stringify(v)}`);
				graceMs = Math.round(secs * 1000);
				break;
			}
			case '--samples': {
				const v = value();
				o.samples = /^[1-9]\d{0,5}$/.test(v) ? Number(v) : NaN;
				if (Number.isNaN(o.samples)) throw new UsageError(`--samples takes a count of intervals, not ${JSON.stringify(v)}`);
				break;
			}
			case '--udp':
			case '--tcp':
				protocol = flag === '--udp' ? 'udp' : 'tcp';
				break;
			case '--count': {
				const v = value();
				count = /^[1-9]\d{0,3}$/.test(v) ? Number(v) : NaN;
				if (!(count <= 1000)) throw new UsageError(`--count takes 1 to 1000, not ${JSON.stringify(v)}`);
				break;
			}
			default:
				if ((command !== 'close' && command !== 'free-port' && command !== 'kill-port') || a.startsWith('-')) throw new UsageError(`unknown option ${JSON.stringify(a)}`);
				ends.push(a);
		}
	}
	if (o.selection.children && !o.selection.pids) throw new UsageError('--children goes with --pid');
	if ([o.procRoot, o.fromCapture, o.ssh].filter((x) => x !== undefined).length > 1) throw new UsageError('--proc-root, --from-capture and --ssh exclude each other');
	if (o.sshConfig && !o.ssh) throw new UsageError('--ssh-config goes with --ssh');
	// Here, run procnet itself with sudo; --sudo is for the other machine's sh.
	if (o.sudo && !o.ssh) throw new UsageError('--sudo goes with --ssh (on this machine, run procnet as root: sudo procnet ...)');
	// ssh would read such a "host" as an option (-oProxyCommand=...).
	if (o.ssh?.startsWith('-')) throw new UsageError(`--ssh takes a host, not ${JSON.stringify(o.ssh)}`);
	// Before the commands that return early (close, free-port, kill-port, traffic), which would ignore it.
	if (o.resolve && command !== 'peers' && command !== 'snapshot' && command !== 'watch') throw new UsageError('--resolve goes with peers, snapshot and watch');
	if (command === 'close') {
		const closeUsage = 'close takes LOCAL REMOTE (ADDR:PORT each) or --id ID, and --ssh HOST [--ssh-config FILE] [--sudo]';
		if (o.json || o.csv || narrows(o.selection) || o.procRoot || o.fromCapture || o.recipe) throw new UsageError(closeUsage);
		if (id !== undefined && ends.length === 0) o.close = { id };
		else if (id === undefined && ends.length === 2) o.close = { local: parseEndpoint(ends[0]), remote: parseEndpoint(ends[1]) };
		else throw new UsageError(closeUsage);
		return o;
	}
	if (id !== undefined) throw new UsageError('--id goes with close');
	if (command === 'free-port') {
		const range = ends.length === 1 ? parsePortRange(ends[0]) : undefined;
		if (!range) throw new UsageError(`free-port takes one PORT or FROM-TO (1-65535, at most ${MAX_SPAN} ports)${ends.length ? `, not ${JSON.stringify(ends.join(' '))}` : ''}`);
		if (o.csv || o.recipe || narrows(o.selection)) throw new UsageError('free-port takes --udp, --count, --json and a source (--proc-root, --ssh, --from-capture)');
		o.freePort = { range, protocol, count: count ?? 5 };
		return o;
	}
	if (command === 'kill-port') {
		const ports = ends.length === 1 ? parsePorts(ends[0]) : undefined;
		if (!ports) throw new UsageError(`kill-port takes PORT or PORT,PORT,... (1-65535)${ends.length ? `, not ${JSON.stringify(ends.join(' '))}` : ''}`);
		if (o.json || o.csv || o.recipe || o.procRoot || o.fromCapture || narrows(o.selection)) throw new UsageError('kill-port takes --udp, --grace and --ssh HOST [--ssh-config FILE] [--sudo]');
		o.killPort = { ports, protocol, graceMs: graceMs ?? 3000 };
		return o;
	}
	if (graceMs !== undefined) throw new UsageError('--grace goes with kill-port');
	if (command === 'traffic') {
		// ss reads the kernel it runs on: a copied /proc, a capture or another host has no counters to ask.
		if (o.procRoot || o.fromCapture || o.recipe || o.csv || o.selection.kinds || o.selection.listening || o.selection.ports || o.selection.filter || protocol !== 'tcp') throw new UsageError('traffic reads a live kernel, this machine\'s or an ssh host\'s: it takes --pid, --children, --interval, --count, --samples, --json and --ssh HOST [--ssh-config FILE] [--sudo]');
		o.count = count ?? 10;
		return o;
	}
	if (o.samples !== undefined) throw new UsageError('--samples goes with traffic');
	// A capture is a record: who its peers were then is not what a resolver says now.
	if (o.resolve && o.fromCapture) throw new UsageError('--resolve asks a live host\'s resolver: not with --from-capture');
	if (command === 'peers') {
		if (o.csv || o.recipe || protocol !== 'tcp') throw new UsageError('peers takes --count, --json, --resolve, the selection options (--pid, --children, --kind, --port, --filter) and a source');
		o.peerCount = count ?? 20;
		count = undefined;
	}
	if (protocol !== 'tcp' || count !== undefined) throw new UsageError('--udp, --tcp and --count go with free-port, traffic and peers');
	if (o.csv && (command !== 'snapshot' || o.json)) throw new UsageError('--csv goes with snapshot, without --json');
	if (o.intervalMs !== undefined && command !== 'watch') throw new UsageError('--interval goes with watch and traffic');
	// A capture is one moment: there is nothing to watch in it.
	if (command === 'watch' && (o.fromCapture || o.recipe)) throw new UsageError('watch reads a live host: /proc, --proc-root or --ssh');
	if (o.recipe && (o.command !== 'capture' || o.procRoot || o.ssh)) throw new UsageError('--recipe goes with capture alone');
	if (o.command === 'capture' && (o.fromCapture || o.json || narrows(o.selection)))
		throw new UsageError('capture takes only --proc-root, --ssh or --recipe');
	return o;
}

/** One ssh session to `host` (the user's config, keys and agent; -F from --ssh-config or $PROCNET_SSH_CONFIG). */
const sshOf = (o: Pick<Options, 'sshConfig' | 'sudo'> & { ssh: string }) => sshSource(o.ssh, { configFile: o.sshConfig ?? (process.env.PROCNET_SSH_CONFIG || undefined), sudo: o.sudo });

/**
 * `procnet peers --resolve` and `snapshot --resolve`: the peers (the first --count of them), or
 * every socket's peer, named by the host's own resolver (getent hosts here; on an ssh host
 * through the same session that read it, before it ends).
 */
async function resolvedCommand(o: Options): Promise<number> {
	const session = o.ssh ? sshOf({ ...o, ssh: o.ssh }) : undefined;
	try {
		// A filter's peer: terms match names too here, as in the tree (treeIndex.ts): the selection
		// is made with the other terms, its peers are named, and the peer: terms applied after.
		const halves = splitSelectionByPeer(o.selection);
		const wide = selected(halves ? { ...o, selection: halves.wide } : o, session ? await session.snapshot() : await snapshotHere(o.procRoot));
		if (!wide) return 1;
		const count = o.peerCount ?? 20;
		const peers = drain(groupByPeer(wide.sockets, Infinity)).peers;
		// `peers` prints the first `count`; a peer: term needs every name to match on.
		const addrs = (o.command === 'peers' && !halves ? peers.slice(0, count) : peers).map((g) => g.peer);
		const names = addrs.length ? await (session ? session.resolve(addrs) : lookupHere(addrs)) : new Map<string, string | null>();
		const sel = halves ? selectSnapshot(wide, halves.byPeer, (p) => nameIn(names, p)) : wide;
		if (o.command === 'peers') {
			writeOut(formatPeers(sel, count, o.json, names));
			return 0;
		}
		// A socket with a peer: its name, or null when the resolver has none; without one, undefined.
		writeSnapshot(o, sel, (s) => peerNameOf(s, (p) => nameIn(names, p)));
		return 0;
	} finally {
		await session?.disposeAndWait();
	}
}

async function loadCapture(o: Options): Promise<{ capture: Capture; parsed?: ParsedNamespaces; owners?: OwnerIndex }> {
	if (o.fromCapture) {
		let buf: Buffer;
		try {
			buf = fs.readFileSync(o.fromCapture);
		} catch (e) {
			throw new Error(`cannot read ${o.fromCapture}: ${(e as Error).message}`);
		}
		// JSON from 'procnet capture', or the collector's framed output from the recipe (or gzip of either).
		return { capture: validateCapture(readCaptureFile(buf, o.fromCapture)) };
	}
	if (o.ssh) {
		// One session, one refresh; the ssh child has exited before we go on.
		const src = sshOf({ ...o, ssh: o.ssh });
		try {
			// A snapshot parses the socket tables as they arrive, while the remote still lists fds.
			return o.command === 'capture' ? { capture: await src.capture() } : await src.captureParsed();
		} finally {
			await src.disposeAndWait();
		}
	}
	const root = o.procRoot ?? '/proc';
	// A capture to save is read on one thread: the two-thread scan keeps the fds in its index only.
	return o.command === 'capture' ? { capture: readProcTree({ root }) } : readForSnapshot(root);
}

/** This machine's snapshot (or --proc-root's) as `procnet snapshot` reads it: what kill-port and close act on. */
async function snapshotHere(root = '/proc'): Promise<Snapshot> {
	const { capture, parsed, owners } = await readForSnapshot(root);
	return buildSnapshot(capture, parsed, owners);
}

/**
 * This machine's /proc (or a copy of one) read for a snapshot. A big host is scanned on two
 * threads (fd walk | tables + parse); a small one is not worth a thread. With `tablesTo`, each
 * table goes to the sink it gives, not to the parser.
 */
async function readForSnapshot(root: string, tablesTo?: (host: CaptureHost) => TableSink): Promise<{ capture: Capture; parsed: ParsedNamespaces; owners?: OwnerIndex }> {
	const worker = path.join(__dirname, 'scanWorker.js');
	const force = process.env.PROCNET_PARALLEL;
	const parallel = force === '1' || (force !== '0' && socketsInUse(root) > PARALLEL_THRESHOLD);
	if (parallel && fs.existsSync(worker)) return readProcTreeParallel({ root }, worker, tablesTo);
	return readProcTreeParsed({ root }, tablesTo);
}

export async function main(argv: string[]): Promise<number> {
	let o: Options | 'help' | 'version';
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
	if (o === 'version') {
		process.stdout.write(`procnet ${typeof PROCNET_VERSION === 'string' ? PROCNET_VERSION : '(unbundled)'}\n`);
		return 0;
	}
	if (o.recipe) {
		writeOut(captureRecipe() + '\n');
		return 0;
	}
	try {
		if (o.close) return await closeCommand(o, o.close);
		if (o.command === 'watch') return await watchCommand(o);
		if (o.command === 'traffic') return await trafficCommand(o);
		if (o.killPort) return await killPortCommand(o, o.killPort);
		if (o.resolve) return await resolvedCommand(o);
		if (o.command === 'snapshot' && o.json && !o.ssh && !o.fromCapture && !narrows(o.selection)) {
			// The whole of this machine's snapshot as JSON: made from the tables' bytes as they are
			// read, then written with the owners (tableJson.ts).
			let json: SnapshotJson | undefined;
			const { capture, owners } = await readForSnapshot(o.procRoot ?? '/proc', (host) => {
				const j = (json = new SnapshotJson(host));
				return (netns, table) => j.table(netns, table);
			});
			for (const chunk of json!.write(capture, owners)) writeBytes(chunk);
			return 0;
		}
		const { capture, parsed, owners } = await loadCapture(o);
		if (o.command === 'capture') {
			writeOut(JSON.stringify(capture) + '\n');
			return 0;
		}
		const snap = buildSnapshot(capture, parsed, owners);
		if (o.freePort) return freePortCommand(o, o.freePort, snap);
		const sel = selected(o, snap);
		if (!sel) return 1;
		if (o.command === 'peers') writeOut(formatPeers(sel, o.peerCount ?? 20, o.json));
		else writeSnapshot(o, sel);
		return 0;
	} catch (e) {
		process.stderr.write(`procnet: ${(e as Error).message}\n`);
		return 1;
	}
}

/** The selection of `snap` (--pid, --kind, ...); undefined, said on stderr, when a --pid given has no process. */
function selected(o: Options, snap: Snapshot): Snapshot | undefined {
	const missing = o.selection.pids && missingPids(snap, o.selection.pids);
	if (!missing) return selectSnapshot(snap, o.selection);
	process.stderr.write(missing);
	return undefined;
}

/** A snapshot as --json, --csv or text; with `nameOf` (--resolve), each peer's name too. */
function writeSnapshot(o: Options, sel: Snapshot, nameOf?: (s: SocketInfo) => string | null | undefined): void {
	if (o.json) writeJson(sel, nameOf);
	else if (o.csv) writeOut(toCsv(sel, nameOf));
	else writeOut(formatSnapshot(sel, nameOf));
}

/**
 * `procnet free-port`: in the namespace the reader ran in (a server started from there binds in
 * it); a capture that does not say so is looked at in every namespace. The ephemeral range is this
 * machine's (or --proc-root's), in that namespace; an ssh host's is not read.
 */
function freePortCommand(o: Options, f: NonNullable<Options['freePort']>, snap: Snapshot): number {
	const ephemeral = !o.ssh && !o.fromCapture ? readEphemeralRange(o.procRoot) : undefined;
	const out = formatFreePorts(snap, { protocol: f.protocol, range: f.range, netns: selfNetns(snap), ephemeral }, f.count, o.json);
	writeOut(out.text);
	return out.code;
}

/** `procnet kill-port`: a fresh read of this machine, or of an ssh host over one session that then signals. */
async function killPortCommand(o: Options, k: NonNullable<Options['killPort']>): Promise<number> {
	const print = { out: (t: string) => void writeOut(t), err: (t: string) => void process.stderr.write(t) };
	if (!o.ssh) return killPorts(await snapshotHere(), k.ports, k.protocol, k.graceMs, localSignaller(), print);
	const src = sshOf({ ...o, ssh: o.ssh });
	try {
		const sig = sessionSignaller((pid, startTicks, s) => src.signal(pid, startTicks, s));
		return await killPorts(await src.snapshot(), k.ports, k.protocol, k.graceMs, sig, print);
	} finally {
		await src.disposeAndWait();
	}
}

/**
 * `procnet traffic`: this machine read as `procnet snapshot` reads it, and ss asked once per
 * network namespace per interval (by the selected processes' ports when --pid gives them, else
 * about every TCP socket there); an ssh host's the same way, each read and each ss run one round
 * trip of one session kept open (ss there runs after checking that an owner's fd still holds one
 * of the namespace's sockets, and inside that namespace).
 */
function trafficCommand(o: Options): Promise<number> {
	return live(o, async (read, io, src) => {
		const pids = o.selection.pids;
		if (pids) {
			const missing = missingPids(await read(), pids);
			if (missing) {
				io.err(missing);
				return 1;
			}
		}
		const ask = (sockets: SocketInfo[]) => readTcpInfoByNamespace(sockets, !!pids, src ? askThrough(src) : askHere);
		return trafficLoop(read, ask, { intervalMs: o.intervalMs ?? 2000, json: o.json, selection: o.selection, count: o.count ?? 10, samples: o.samples }, io);
	});
}

/**
 * `procnet watch`: the reads of `procnet snapshot`, again and again; an ssh host's over one
 * session kept open, so a read is one round trip.
 */
function watchCommand(o: Options): Promise<number> {
	return live(o, (read, io, src) => {
		// --resolve: one cache for the whole watch, so that a peer seen again is not asked again
		// (10 minutes; "no name" 2), and asked of the host's resolver, over the session on an ssh host.
		const names = o.resolve ? new PeerNameCache(src ? (a) => src.resolve(a) : (a) => lookupHere(a)) : undefined;
		return watch(read, { intervalMs: o.intervalMs ?? 2000, json: o.json, selection: o.selection, names }, io);
	});
}

/**
 * What `watch` and `traffic` run on: reads of this machine (as `procnet snapshot` reads it) or of
 * an ssh host over one session kept open, stdout and stderr, and SIGINT / SIGTERM caught so that
 * the loop ends between reads and the session is closed (a second Ctrl-C, after the listener is
 * gone, ends the process at once).
 */
async function live(o: Options, run: (read: () => Promise<Snapshot>, io: WatchIo, src: ShellSource | undefined) => Promise<number>): Promise<number> {
	const stopped = new Promise<void>((resolve) => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
	});
	const src = o.ssh ? sshOf({ ...o, ssh: o.ssh }) : undefined;
	const read = async () => {
		if (src) return src.snapshot();
		const { capture, parsed, owners } = await loadCapture(o);
		return buildSnapshot(capture, parsed, owners);
	};
	const io = {
		out: (text: string) => (writeOut(text), !stdoutClosed),
		err: (text: string) => void process.stderr.write(text),
		stopped,
	};
	try {
		return await run(read, io, src);
	} finally {
		await src?.disposeAndWait();
	}
}

/** The same address, however it was written (`::1` and `0:0::1`; a v4-mapped one and its IPv4). */
function sameAddress(a: string, b: string): boolean {
	const x = parseIp(a), y = parseIp(b);
	return !!x && !!y && unmapped(x).join('.') === unmapped(y).join('.');
}

/**
 * `procnet close`: finds the connection in a fresh read of this machine, then closes it as the
 * extension's Close Connection does (closeConnection.ts: ss -K with an argv built from the
 * decoded addresses, the socket checked in its table before and after). A tuple seen in more than
 * one network namespace is not guessed at: the ids are listed for --id. With --ssh, the read and
 * the close go through one session, as the extension's ssh hosts do (ShellSource.close: ss -K
 * there, only while the owner's fd still is that socket).
 */
async function closeCommand(o: Options, c: NonNullable<Options['close']>): Promise<number> {
	if (!o.ssh) return closeIn(await snapshotHere(), c, (s) => closeConnection(s));
	const src = sshOf({ ...o, ssh: o.ssh });
	try {
		const { capture, parsed } = await src.captureParsed();
		return await closeIn(buildSnapshot(capture, parsed), c, (s) => {
			const t = closeTarget(s);
			// Not a held connection: the same refusal as on this machine, and nothing is run there.
			return t ? src.close(t) : closeConnection(s);
		});
	} finally {
		await src.disposeAndWait();
	}
}

async function closeIn(snap: Snapshot, c: NonNullable<Options['close']>, close: (s: SocketInfo) => Promise<CloseResult>): Promise<number> {
	const what = 'id' in c ? `id ${c.id}` : `${endpointText(c.local)} -> ${endpointText(c.remote)}`;
	const found = snap.sockets.filter((s) =>
		'id' in c
			? s.id === c.id
			: s.kind === 'tcp' && s.localPort === c.local.port && s.remotePort === c.remote.port && sameAddress(s.localAddress ?? '', c.local.address) && sameAddress(s.remoteAddress ?? '', c.remote.address),
	);
	if (!found.length) {
		process.stderr.write(`procnet: no TCP connection ${what} on ${snap.host.hostname}\n`);
		return 1;
	}
	if (found.length > 1) {
		process.stderr.write(`procnet: ${what} is in ${found.length} network namespaces; name one with --id:\n${found.map((s) => `  ${s.id}`).join('\n')}\n`);
		return 1;
	}
	const s = found[0];
	const r = await close(s);
	if (!r.ok) {
		process.stderr.write(`procnet: ${r.message}\n`);
		return 1;
	}
	const names = new Map(snap.processes.map((p) => [p.pid, p.name]));
	const owners = s.owners.map((o) => `${visible(names.get(o.pid) ?? '?')} (pid ${o.pid}, fd ${o.fd})`).join(', ');
	writeOut(`closed tcp ${endpointText({ address: s.localAddress!, port: s.localPort! })} -> ${endpointText({ address: s.remoteAddress!, port: s.remotePort! })}${owners ? ` held by ${owners}` : ''}\n`);
	return 0;
}

function endpointText(e: Endpoint): string {
	return net.isIPv6(e.address) ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

function writeOut(text: string): void {
	// Not in one expression: `encoded.subarray` would be read before encode() can replace it.
	const n = encode(text);
	writeBytes(encoded.subarray(0, n));
}

/**
 * One buffer that every text written is encoded into, in turn. A new Buffer per JSON chunk was 45
 * of the 198 MB the CLI allocated for a snapshot at 100k sockets; reusing one took its peak RSS
 * from 172 to 168 MB (the wall time and the GCs did not measurably change: those Buffers were
 * outside V8's heap).
 */
let encoded = Buffer.allocUnsafe(1 << 18);

/** Encodes `text` as UTF-8 at the start of `encoded` (grown to fit: 3 bytes per UTF-16 unit at most); its length. */
function encode(text: string): number {
	if (encoded.length < text.length * 3) encoded = Buffer.allocUnsafe(text.length * 3);
	return encoded.write(text, 0, 'utf8');
}

/** Whether a write found stdout closed by its reader (`procnet watch | head`): there is no one left to write for. */
let stdoutClosed = false;

/** Writes all of `buf` even when stdout is a pipe (process.stdout.write is async on pipes and exit() would cut it). */
function writeBytes(buf: Buffer): void {
	let off = 0;
	while (off < buf.length) {
		try {
			off += fs.writeSync(1, buf, off);
		} catch (e) {
			if ((e as { code?: string }).code === 'EAGAIN') continue;
			if ((e as { code?: string }).code === 'EPIPE') {
				stdoutClosed = true;
				return;
			}
			throw e;
		}
	}
}

/**
 * Writes a snapshot as compact JSON, a piece at a time (model/snapshotJson.ts). With `nameOf`
 * (--resolve), each socket with a peer gets `remoteName`: the host's resolver's name of it, or null.
 */
function writeJson(snap: object, nameOf?: (s: SocketInfo) => string | null | undefined): void {
	for (const p of snapshotJsonPieces(snap, { nameOf })) {
		if (!p.array) {
			writeOut(p.text);
			continue;
		}
		const n = encode(p.text);
		// '[' and ']' are one byte each in UTF-8: the first piece starts after its '[', a later one
		// starts with a comma in its place, and every piece ends before its ']'.
		if (p.array === 'next') encoded[0] = 0x2c;
		writeBytes(encoded.subarray(p.array === 'next' ? 0 : 1, n - 1));
	}
}

if (require.main === module) {
	main(process.argv.slice(2)).then(
		(code) => (process.exitCode = code),
		(e) => {
			process.stderr.write(`procnet: ${(e as Error).stack ?? e}\n`);
			process.exitCode = 1;
		},
	);
}
