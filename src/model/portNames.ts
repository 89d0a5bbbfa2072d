// What a port is called: the label someone gave it in VS Code's own `remote.portsAttributes`
// (the Ports view's setting, so a port named there reads the same here), else its service name
// from /etc/services (what ss without -n and TCPView print). Shown beside a socket, never instead
// of its number.
import { commandLine } from './describe';
import type { ProcessInfo, SocketInfo } from './snapshot';

/**
 * A `remote.portsAttributes` entry with a label: by port, port range, or command-line pattern;
 * with the entry's `protocol` when it gives one (the Ports view's "Change Port Protocol").
 */
export type PortLabel = ({ lo: number; hi: number } | { pattern: RegExp }) & { label: string; protocol?: 'http' | 'https' };

export interface PortName {
	port: number;
	name: string;
	/** Where the name came from. */
	from: 'label' | 'services';
	/** What a browser speaks to it, when its label's entry says. */
	protocol?: 'http' | 'https';
}

/**
 * The labelled entries of a `remote.portsAttributes` value. VS Code reads a key as a port
 * (`3000`), a range (`8000-8100`) or else a regular expression over the listening process's
 * command line; entries without a label name nothing. Keys it could not read are returned as
 * errors, said to the user rather than dropped.
 */
export function parsePortsAttributes(value: unknown): { labels: PortLabel[]; errors: string[] } {
	const labels: PortLabel[] = [];
	const errors: string[] = [];
	if (!value || typeof value !== 'object') return { labels, errors };
	for (const [key, attrs] of Object.entries(value as Record<string, unknown>)) {
		const a = attrs && typeof attrs === 'object' ? (attrs as { label?: unknown; protocol?: unknown }) : {};
		const label = a.label;
		if (typeof label !== 'string' || label.trim() === '') continue;
		const protocol: Pick<PortLabel, 'protocol'> = a.protocol === 'http' || a.protocol === 'https' ? { protocol: a.protocol } : {};
		const range = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(key);
		if (range) {
			labels.push({ lo: Number(range[1]), hi: Number(range[2] ?? range[1]), label, ...protocol });
			continue;
		}
		try {
			labels.push({ pattern: new RegExp(key), label, ...protocol });
		} catch (e) {
			errors.push(`remote.portsAttributes: "${key}" is neither a port, a range nor a regular expression (${(e as Error).message})`);
		}
	}
	return { labels, errors };
}

const NAMED_KINDS = new Set(['tcp', 'udp', 'udplite', 'sctp']);

/** A list, or how to make it: command lines are looked up only when a pattern label asks for them. */
type Lazy<T> = readonly T[] | (() => readonly T[]);
const force = <T>(l: Lazy<T>): readonly T[] => (typeof l === 'function' ? l() : l);

export class PortNames {
	constructor(
		private readonly services: ReadonlyMap<string, string>,
		private readonly labels: readonly PortLabel[] = [],
	) {}

	/** The label of `port` (for a process with these command lines), else its service name. */
	name(kind: string, port: number, cmdlines: Lazy<string>): PortName | undefined {
		let cmds: readonly string[] | undefined;
		for (const l of this.labels) {
			if ('lo' in l ? port >= l.lo && port <= l.hi : (cmds ??= force(cmdlines)).some((c) => l.pattern.test(c))) return { port, name: l.label, from: 'label', ...(l.protocol ? { protocol: l.protocol } : {}) };
		}
		// udplite shares udp's numbers in /etc/services.
		const service = this.services.get(`${kind === 'udplite' ? 'udp' : kind}/${port}`);
		return service === undefined ? undefined : { port, name: service, from: 'services' };
	}

	/**
	 * The name a socket is known by: its local port's for a listener or an unconnected datagram
	 * socket; for a connection, a labelled end first, then the lower-numbered end with a service
	 * name (a server's well-known port, or the one a client connected to, rather than an
	 * ephemeral port that happens to be in /etc/services).
	 */
	ofSocket(s: SocketInfo, owners: Lazy<ProcessInfo>): PortName | undefined {
		if (!NAMED_KINDS.has(s.kind) || !s.localPort) return undefined;
		const local = this.name(s.kind, s.localPort, () => force(owners).map(commandLine));
		if (!s.remotePort || s.state === 'LISTEN') return local;
		// A pattern names the owner's own ports, not its peers'.
		const remote = this.name(s.kind, s.remotePort, []);
		if (local?.from === 'label') return local;
		if (remote?.from === 'label') return remote;
		if (local && remote) return local.port <= remote.port ? local : remote;
		return local ?? remote;
	}
}
