// A capture is everything one refresh collects from a host, as raw text plus the few facts
// that need a syscall (fd links, uid). Every source (local /proc, a proc-root directory,
// ssh, a shell command, a saved file) produces this same shape, so parsing, joining and
// the views never care where the text came from. It is plain JSON: a saved capture is this
// object written to a file.
import type { ByteOrder, TableName } from '../procfs/types';

export const CAPTURE_FORMAT = 'procnet-capture';
export const CAPTURE_VERSION = 1;

export interface CaptureHost {
	hostname: string;
	kernel: string;
	/** Byte order of the host's kernel: decides how its hex addresses read. */
	byteOrder: ByteOrder;
	/** USER_HZ (`getconf CLK_TCK`), the unit of stat start times and tcp timers. */
	clkTck: number;
	/** `btime` of /proc/stat: boot time, seconds since the epoch; null when unknown. */
	bootTime: number | null;
	/**
	 * Bytes per page (`getconf PAGESIZE`), the unit of stat's rss; null or absent (a capture saved
	 * before procnet read it) when unknown, and then no process has a memory figure.
	 */
	pageSize?: number | null;
}

export interface NamespaceCapture {
	/** `net:[4026531833]` when the namespace link was readable; otherwise `netino:<n>` from the tables' inode. */
	id: string;
	/** One pid of the namespace whose `/proc/PID/net/*` the tables were read from. */
	viaPid: number;
	/** Raw table texts; a table the kernel does not have (no IPv6, no sctp module) is absent. */
	tables: Partial<Record<TableName, string>>;
}

export type FdAccess = 'ok' | 'denied';

export interface ProcessCapture {
	pid: number;
	/** Owner uid of /proc/PID (the process's effective uid). */
	uid: number | null;
	/** Raw /proc/PID/stat. */
	stat: string | null;
	/** Raw /proc/PID/cmdline (NUL separated). */
	cmdline: string | null;
	/** readlink /proc/PID/cwd; null when not readable (other users' processes). */
	cwd: string | null;
	/** Raw /proc/PID/cgroup; null when not read, absent in captures saved before procnet read it. */
	cgroup?: string | null;
	/** Id of the network namespace (as in NamespaceCapture.id); null when it could not be told. */
	netns: string | null;
	fdAccess: FdAccess;
	/** Socket fds: [fd, socket inode]. */
	fds: Array<[number, string]>;
}

export interface CaptureSourceInfo {
	kind: 'local' | 'proc-root' | 'ssh' | 'command' | 'file';
	/** What a person reads: "local", "/tmp/savedproc", "ssh build-01". */
	label: string;
}

export interface Capture {
	format: typeof CAPTURE_FORMAT;
	version: typeof CAPTURE_VERSION;
	source: CaptureSourceInfo;
	host: CaptureHost;
	/** ISO time the capture started. */
	takenAt: string;
	/** The pid of the collector itself (its own sockets can then be hidden); null when unknown. */
	selfPid: number | null;
	namespaces: NamespaceCapture[];
	processes: ProcessCapture[];
	/** /etc/passwd text for uid → user names; null when not read. */
	passwd: string | null;
	/** Problems that did not stop the capture (a namespace whose tables could not be read, ...). */
	errors: string[];
	/**
	 * Why some processes may be missing altogether (e.g. /proc mounted with hidepid): their
	 * sockets are then unattributable for lack of permission, not for lack of an owner.
	 */
	hiddenProcesses?: string;
}

/** Checks the outer shape of a capture read from a file or a remote host; throws a clear Error otherwise. */
export function validateCapture(x: unknown): Capture {
	const c = x as Partial<Capture> | null;
	if (!c || typeof c !== 'object') throw new Error('not a procnet capture: not a JSON object');
	if (c.format !== CAPTURE_FORMAT) throw new Error(`not a procnet capture: format is ${JSON.stringify(c.format)}`);
	if (c.version !== CAPTURE_VERSION) throw new Error(`unsupported capture version ${JSON.stringify(c.version)} (this procnet reads version ${CAPTURE_VERSION})`);
	if (!c.host || (c.host.byteOrder !== 'LE' && c.host.byteOrder !== 'BE')) throw new Error('capture has no host byte order');
	if (!Array.isArray(c.namespaces) || !Array.isArray(c.processes)) throw new Error('capture has no namespaces or processes');
	return c as Capture;
}
