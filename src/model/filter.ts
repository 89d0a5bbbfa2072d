// The filter language of the tree and the panel: plain words match any text of a socket or its
// process; `key:value` terms narrow by field. All terms must match (AND); a term may be
// negated with a leading `-`. Parsed once per change, matched per socket.
//   port:3000  port:3000-3100  state:listen  kind:udp  pid:123  user:www-data  addr:10.0.0.0/8  netns:...
//   unit:nginx (the owner's systemd unit)  container:docker, container:3f2a (the owner's container)
//   peer:github (the remote address, or its name by the host's own resolver: see PeerNameOf)
import { commandLine, containerText, kindText, localText, remoteText } from './describe';
import { peerOf } from './peers';
import type { ProcessInfo, SocketInfo } from './snapshot';

export type FilterKey = 'port' | 'state' | 'kind' | 'pid' | 'user' | 'addr' | 'netns' | 'unit' | 'container' | 'peer' | 'text';

/**
 * The name the host's resolver gave a peer address (peerOf's form), if it is known. A `peer:`
 * term matches the names it gives; without one it matches addresses only. Plain words never
 * match names: which peers have been named depends on what was looked at, and a word's matches
 * should not.
 */
export type PeerNameOf = (peer: string) => string | null | undefined;

export interface FilterTerm {
	key: FilterKey;
	value: string;
	negate: boolean;
	/** port ranges and address prefixes, pre-parsed */
	range?: [number, number];
	cidr?: { bytes: Uint8Array; bits: number };
}

export interface Filter {
	text: string;
	terms: FilterTerm[];
	/** Terms that did not parse, with the reason: shown to the user, never silently dropped. */
	errors: string[];
}

const KEYS = new Set<FilterKey>(['port', 'state', 'kind', 'pid', 'user', 'addr', 'netns', 'unit', 'container', 'peer']);

export function parseFilter(text: string): Filter {
	const terms: FilterTerm[] = [];
	const errors: string[] = [];
	for (const raw of text.trim().split(/\s+/).filter(Boolean)) {
		const negate = raw.startsWith('-') && raw.length > 1;
		const body = negate ? raw.slice(1) : raw;
		const colon = body.indexOf(':');
		const key = colon > 0 ? body.slice(0, colon).toLowerCase() : '';
		if (!KEYS.has(key as FilterKey)) {
			terms.push({ key: 'text', value: body.toLowerCase(), negate });
			continue;
		}
		const value = body.slice(colon + 1);
		const term: FilterTerm = { key: key as FilterKey, value: value.toLowerCase(), negate };
		if (key === 'port' || key === 'pid') {
			const m = /^(\d+)(?:-(\d+))?$/.exec(value);
			if (!m) {
				errors.push(`${key}: expects a number or a range like 3000-3100, not "${value}"`);
				continue;
			}
			term.range = [Number(m[1]), Number(m[2] ?? m[1])];
		} else if (key === 'addr') {
			const slash = value.indexOf('/');
			if (slash > 0) {
				const bytes = parseIp(value.slice(0, slash));
				const bits = Number(value.slice(slash + 1));
				if (!bytes || !Number.isInteger(bits) || bits < 0 || bits > bytes.length * 8) {
					errors.push(`addr: "${value}" is not an address prefix like 10.0.0.0/8 or fd00::/8`);
					continue;
				}
				term.cidr = { bytes, bits };
			}
		}
		terms.push(term);
	}
	return { text, terms, errors };
}

/** Dotted IPv4 or RFC 4291 IPv6 text → bytes; null if not an address. */
export function parseIp(s: string): Uint8Array | null {
	const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
	if (v4) {
		const b = v4.slice(1).map(Number);
		return b.every((x) => x <= 255) ? Uint8Array.from(b) : null;
	}
	if (!s.includes(':')) return null;
	// A dotted IPv4 tail (::ffff:10.0.0.1) becomes two hex groups.
	let text = s;
	const lastColon = s.lastIndexOf(':');
	const dotted = s.slice(lastColon + 1);
	if (dotted.includes('.')) {
		const b = parseIp(dotted);
		if (!b || b.length !== 4) return null;
		text = `${s.slice(0, lastColon + 1)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
	}
	const halves = text.split('::');
	if (halves.length > 2) return null;
	const parse = (h: string) => (h ? h.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)) : []);
	const head = parse(halves[0]);
	const rest = halves.length === 2 ? parse(halves[1]) : [];
	if ([...head, ...rest].some(Number.isNaN)) return null;
	const fill = 8 - head.length - rest.length;
	if ((halves.length === 1 && fill !== 0) || fill < 0) return null;
	const groups = [...head, ...new Array(halves.length === 2 ? fill : 0).fill(0), ...rest];
	const out = new Uint8Array(16);
	groups.forEach((g, i) => {
		out[i * 2] = g >> 8;
		out[i * 2 + 1] = g & 0xff;
	});
	return out;
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as its IPv4 bytes; any other as it is. */
export function unmapped(b: Uint8Array): Uint8Array {
	return b.length === 16 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff ? b.slice(12) : b;
}

function inCidr(addr: string | null, cidr: { bytes: Uint8Array; bits: number }): boolean {
	if (!addr) return false;
	let b = parseIp(addr);
	if (!b) return false;
	// An IPv4 prefix also matches IPv4-mapped IPv6 addresses (dual-stack listeners' peers).
	if (cidr.bytes.length === 4) b = unmapped(b);
	if (b.length !== cidr.bytes.length) return false;
	for (let i = 0; i < cidr.bits; i++) {
		const mask = 0x80 >> (i % 8);
		if ((b[i >> 3] & mask) !== (cidr.bytes[i >> 3] & mask)) return false;
	}
	return true;
}

function termMatches(t: FilterTerm, s: SocketInfo, owners: readonly ProcessInfo[], nameOf: PeerNameOf | undefined): boolean {
	switch (t.key) {
		case 'port': {
			const [lo, hi] = t.range!;
			return [s.localPort, s.remotePort].some((p) => p !== null && p >= lo && p <= hi);
		}
		case 'pid': {
			const [lo, hi] = t.range!;
			return s.owners.some((o) => o.pid >= lo && o.pid <= hi);
		}
		case 'state':
			return s.state.toLowerCase().replace(/[-_]/g, '').startsWith(t.value.replace(/[-_]/g, ''));
		case 'kind':
			return s.kind === t.value || kindText(s).toLowerCase() === t.value || (t.value === 'tcp6' && s.kind === 'tcp' && s.ipVersion === 6);
		case 'user':
			return owners.some((p) => p.user?.toLowerCase() === t.value || String(p.uid) === t.value) || String(s.uid) === t.value;
		case 'addr':
			if (t.cidr) return inCidr(s.localAddress, t.cidr) || inCidr(s.remoteAddress, t.cidr);
			return [s.localAddress, s.remoteAddress, s.path].some((a) => a?.toLowerCase().includes(t.value));
		case 'netns':
			return s.netns.toLowerCase().includes(t.value);
		case 'unit':
			return owners.some((p) => p.unit?.toLowerCase().includes(t.value));
		case 'container':
			// The runtime, or any part of the whole id (not only the 12 digits shown).
			return owners.some((p) => p.container && (containerText(p.container).toLowerCase().includes(t.value) || p.container.id.toLowerCase().includes(t.value)));
		case 'peer': {
			const peer = peerOf(s);
			if (peer === undefined) return false;
			if (peer.toLowerCase().includes(t.value)) return true;
			const name = nameOf?.(peer);
			return !!name && name.toLowerCase().includes(t.value);
		}
		case 'text': {
			const hay = [localText(s), remoteText(s), s.state, kindText(s), s.inode, ...owners.flatMap((p) => [p.name, String(p.pid), commandLine(p)])];
			return hay.some((h) => h.toLowerCase().includes(t.value));
		}
	}
}

/** Whether a socket (with the processes that own it) passes every term; `nameOf` names peers for `peer:` terms. */
export function matchesFilter(f: Filter, s: SocketInfo, owners: readonly ProcessInfo[], nameOf?: PeerNameOf): boolean {
	for (const t of f.terms) if (termMatches(t, s, owners, nameOf) === t.negate) return false;
	return true;
}

/**
 * `f` as two filters: the terms that look at no peer's name, and the `peer:` terms, which do.
 * A caller that names peers asks only for those of the sockets the first lets through, then
 * matches the second (either may have no terms, and then matches everything).
 */
export function splitByPeer(f: Filter): { rest: Filter; byPeer: Filter } {
	return { rest: { ...f, terms: f.terms.filter((t) => t.key !== 'peer') }, byPeer: { ...f, terms: f.terms.filter((t) => t.key === 'peer') } };
}

/** Whether `f` has a `peer:` term, whose matches depend on the names of peers. */
export function filtersByPeer(f: Filter | undefined): boolean {
	return !!f?.terms.some((t) => t.key === 'peer');
}
