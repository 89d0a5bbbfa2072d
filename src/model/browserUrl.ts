// The address a browser should open for a listening TCP socket: Open in Browser and Open in
// Simple Browser (VS Code's Ports view has both), and the debug integration's "it listens" offer.
import type { PortName } from './portNames';
import type { SocketInfo } from './snapshot';

/**
 * https when the port's `remote.portsAttributes` entry says so (the Ports view's Change Port
 * Protocol), or its service is https (443, 8443 as `https-alt` where named so), else http.
 */
export function schemeOf(port: number | null, name: PortName | undefined): 'http' | 'https' {
	if (name?.protocol) return name.protocol;
	if (name?.from === 'services' && (name.name === 'https' || name.name === 'https-alt')) return 'https';
	return port === 443 || port === 8443 ? 'https' : 'http';
}

/** The URL for a listening TCP socket (wildcards and mapped addresses become loopback). */
export function browserUrl(s: SocketInfo, scheme: 'http' | 'https' = 'http'): string {
	let host = s.localAddress ?? 'localhost';
	if (host === '0.0.0.0' || host === '::') host = 'localhost';
	else if (host.startsWith('::ffff:')) host = host.slice(7);
	// The scheme's default port is left out, as a person types it.
	const port = (scheme === 'https' && s.localPort === 443) || (scheme === 'http' && s.localPort === 80) ? '' : `:${s.localPort}`;
	return `${scheme}://${host.includes(':') ? `[${host}]` : host}${port}/`;
}
