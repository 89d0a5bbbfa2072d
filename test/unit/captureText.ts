// Captures made of table text, for the tests of the join and of what runs on its snapshots: a
// /proc/net/tcp header and rows in the kernel's layout, processes with their stat line and fds.
import type { Capture, ProcessCapture } from '../../src/collect/capture';

export const TCP_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

/** One /proc/net/tcp row: ends as the kernel's hex (`0100007F:0BB8`), state as its hex code (`0A` LISTEN). */
export const tcpLine = (sl: number, local: string, rem: string, st: string, inode: string, rx = '00000000') =>
	`   ${sl}: ${local} ${rem} ${st} 00000000:${rx} 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;

/** A process of uid 1000 in net:[1] holding `fds` ([fd, socket inode]). */
export function proc(pid: number, ppid: number, comm: string, fds: Array<[number, string]>, extra: Partial<ProcessCapture> = {}): ProcessCapture {
	return {
		pid,
		uid: 1000,
		stat: `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 ${1000 + pid} 0 0`,
		cmdline: `${comm}\0--flag\0`,
		cwd: null,
		netns: 'net:[1]',
		fdAccess: 'ok',
		fds,
		...extra,
	};
}

/** A capture of host `h` with one namespace, net:[1], of these tables. */
export function capture(tcp: string, processes: ProcessCapture[], unix?: string): Capture {
	return {
		format: 'procnet-capture',
		version: 1,
		source: { kind: 'file', label: 'test' },
		host: { hostname: 'h', kernel: '6.18', byteOrder: 'LE', clkTck: 100, bootTime: 1_700_000_000 },
		takenAt: '2026-11-25T00:00:00.000Z',
		selfPid: null,
		namespaces: [{ id: 'net:[1]', viaPid: 1, tables: unix === undefined ? { tcp } : { tcp, unix } }],
		processes,
		passwd: 'root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n',
		errors: [],
	};
}
