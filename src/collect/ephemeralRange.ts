// The range the kernel picks a client's local port from (net.ipv4.ip_local_port_range), in the
// reader's network namespace: Find Free Port and `procnet free-port` mark a free port inside it,
// since a connect() may take it any moment.
import * as fs from 'fs';
import * as path from 'path';
import { parseEphemeralRange, type PortRange } from '../model/freePorts';

/** Read under `root` (/proc, or --proc-root's); undefined where it is not there (a copied tree). */
export function readEphemeralRange(root = '/proc'): PortRange | undefined {
	try {
		return parseEphemeralRange(fs.readFileSync(path.join(root, 'sys/net/ipv4/ip_local_port_range'), 'utf8'));
	} catch {
		return undefined;
	}
}
