// One socket-load process for bench/run.mjs (started with child_process.fork, talks over IPC).
//
//   1. listens on HOST:0 (127.0.0.1 or ::1 only), opens UDP sockets and a unix listener with
//      a few connected pairs, then sends {type:'listening', port}
//   2. on {type:'connect', host, port, count, expectAccepts} opens `count` TCP connections to
//      another load process's listener and waits until it holds all of them plus
//      `expectAccepts` accepted ones, then sends {type:'ready', ...counts}
//   3. sits idle (no traffic) until the parent disconnects or kills it.
//
// The process exits on its own when the IPC channel closes, so a crashed bench never leaves
// its load behind.
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

const cfg = JSON.parse(process.argv[2] ?? '{}');
const host = cfg.host === '::1' ? '::1' : '127.0.0.1';
const udpCount = cfg.udp ?? 0;
const unixPairs = cfg.unixPairs ?? 0;
const unixDir = cfg.unixDir;
const WINDOW = 256; // connects in flight at once (stays below the listen backlog)

const send = (m) => process.send?.(m);
const fail = (msg) => {
	send({ type: 'error', message: msg });
	setTimeout(() => process.exit(1), 50);
};
process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', (e) => fail(`uncaught: ${e?.stack ?? e}`));

const keep = []; // every socket object, so nothing is garbage-collected or closed
let accepted = 0;
let connected = 0;
let unixReady = 0;
let want = null; // {count, expectAccepts} once told to connect

const server = net.createServer({ pauseOnConnect: true }, (s) => {
	accepted++;
	s.on('error', () => {});
	keep.push(s);
	checkReady();
});
server.on('error', (e) => fail(`listen ${host}: ${e.message}`));
server.maxConnections = 1e9;

function checkReady() {
	if (!want || connected < want.count || accepted < want.expectAccepts || unixReady < unixPairs * 2) return;
	const done = want;
	want = null;
	send({ type: 'ready', connected, accepted, udp: udpCount, unix: unixPairs * 2 + (unixPairs ? 1 : 0) });
	void done;
}

async function openUdp() {
	for (let i = 0; i < udpCount; i++) {
		const v6 = i % 4 === 3; // a quarter on ::1, so udp6 has rows too
		const s = dgram.createSocket(v6 ? 'udp6' : 'udp4');
		await new Promise((res, rej) => {
			s.once('error', rej);
			s.bind(0, v6 ? '::1' : '127.0.0.1', res);
		});
		keep.push(s);
	}
}

async function openUnix() {
	if (!unixPairs) return;
	const p = path.join(unixDir, `l${process.pid}.sock`);
	try { fs.unlinkSync(p); } catch {}
	const us = net.createServer({ pauseOnConnect: true }, (s) => {
		s.on('error', () => {});
		keep.push(s);
		unixReady++;
		checkReady();
	});
	await new Promise((res, rej) => {
		us.once('error', rej);
		us.listen(p, res);
	});
	keep.push(us);
	for (let i = 0; i < unixPairs; i++) {
		const c = net.connect(p, () => {
			unixReady++;
			checkReady();
		});
		c.on('error', (e) => fail(`unix connect: ${e.message}`));
		c.pause();
		keep.push(c);
	}
}

function connectAll(targetHost, port, count) {
	let started = 0;
	const next = () => {
		if (started >= count) return;
		started++;
		const c = net.connect({ host: targetHost, port });
		c.once('connect', () => {
			connected++;
			c.pause();
			checkReady();
			next();
		});
		c.on('error', (e) => fail(`connect ${targetHost}:${port} (#${started}): ${e.message}`));
		keep.push(c);
	};
	for (let i = 0; i < Math.min(WINDOW, count); i++) next();
}

/** Closes every TCP connection with a RST (no TIME_WAIT rows left behind for the next run), then exits. */
function stop() {
	for (const s of keep) {
		try {
			if (typeof s.resetAndDestroy === 'function' && s.remoteAddress !== undefined && s.remoteFamily !== 'Unix') s.resetAndDestroy();
			else if (typeof s.destroy === 'function') s.destroy();
			else s.close?.();
		} catch {}
	}
	server.close();
	setTimeout(() => process.exit(0), 200);
}

process.on('message', (m) => {
	if (m?.type === 'stop') stop();
	if (m?.type === 'connect') {
		want = { count: m.count, expectAccepts: m.expectAccepts };
		connectAll(m.host, m.port, m.count);
		checkReady();
	}
});

server.listen({ host, port: 0, backlog: 4096 }, async () => {
	try {
		await openUdp();
		await openUnix();
	} catch (e) {
		fail(`udp/unix setup: ${e.message}`);
		return;
	}
	send({ type: 'listening', port: server.address().port, host });
});
