// The joined view of one capture: every socket with the list of processes (pid + fd) that
// hold it. This object is also the `procnet snapshot --json` contract (schemaVersion 1), so
// field names here are public: add fields, never rename them.
import type { CaptureSourceInfo } from '../collect/capture';
import type { Container } from '../procfs/cgroup';
import type { ByteOrder, SocketRow } from '../procfs/types';

export const SCHEMA_VERSION = 1;

export interface Owner {
	pid: number;
	fd: number;
}

/**
 * Why a socket has no owner. Never guessed from a port number in a command line:
 * - `inode-0`: the kernel holds it without any fd (TIME_WAIT, SYN_RECV, not yet accepted, orphaned);
 * - `permission-denied`: some processes' fds could not be read (other users'), so the owner may be among them;
 * - `not-found`: every readable fd was looked at and none holds it (a kernel socket, a process in
 *   another pid namespace, a socket created or closed between the two halves of the scan).
 */
export type OwnerUnknown = null | 'inode-0' | 'permission-denied' | 'not-found';

export interface SocketInfo extends SocketRow {
	/** Stable key across refreshes (namespace + kind + inode, or the addresses for inode-0 sockets). */
	id: string;
	netns: string;
	owners: Owner[];
	ownerUnknown: OwnerUnknown;
}

export interface ProcessInfo {
	pid: number;
	ppid: number | null;
	/** comm, as the kernel keeps it (15 chars at most). */
	name: string;
	cmdline: string[];
	uid: number | null;
	user: string | null;
	/** ISO time the process started; null when the boot time is unknown. */
	startTime: string | null;
	/** Start time after boot in clock ticks; with the pid it identifies a process across pid reuse. */
	startTicks: number | null;
	netns: string | null;
	fdAccess: 'ok' | 'denied';
	cwd: string | null;
	/** Resident memory (stat's rss × the host's page size); null when the page size is unknown. */
	rssBytes: number | null;
	/** CPU time used so far, user + kernel (stat's utime + stime); a rate needs two snapshots. */
	cpuSeconds: number;
	/** Its cgroup path (procfs/cgroup.ts); null when /proc/PID/cgroup was not read. */
	cgroup: string | null;
	/** The systemd unit it runs in (`nginx.service`), by its cgroup. */
	unit: string | null;
	/** The container it runs in, by its cgroup. */
	container: Container | null;
}

export interface SnapshotWarning {
	message: string;
	table?: string;
	netns?: string;
	line?: number;
	text?: string;
}

export interface SnapshotHost {
	hostname: string;
	kernel: string;
	byteOrder: ByteOrder;
}

export interface Snapshot {
	schemaVersion: typeof SCHEMA_VERSION;
	host: SnapshotHost;
	source: CaptureSourceInfo;
	takenAt: string;
	/** The collector's own pid on that host (so a view may hide itself); null when unknown. */
	selfPid: number | null;
	processes: ProcessInfo[];
	sockets: SocketInfo[];
	warnings: SnapshotWarning[];
}

/** A process's identity across refreshes: pids are reused, pid + start time is not. */
export function processKey(p: Pick<ProcessInfo, 'pid' | 'startTicks'>): string {
	return `${p.pid}@${p.startTicks ?? '?'}`;
}
