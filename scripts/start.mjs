#!/usr/bin/env node
// `npm start`: build + package procnet, start a real VS Code (code-server) with it installed on
// http://127.0.0.1:${PROCNET_PORT:-8680}/, opening ${PROCNET_FOLDER:-this repo}. Runs until
// Ctrl-C / SIGTERM, then stops the whole server process tree and removes its temp dir.
import { REPO, packageExtension, provision, startServer, waitForSignal } from './vscode-server.mjs';

const port = Number(process.env.PROCNET_PORT || 8680);
const folder = process.env.PROCNET_FOLDER || REPO;

async function main() {
	// Register the signal handlers first, so a Ctrl-C during provisioning/startup still cleans up.
	const signalled = waitForSignal();
	let server;
	const ready = (async () => {
		await provision();
		const vsix = packageExtension();
		server = await startServer({ port, folder, vsix });
		console.log(`\n  procnet in VS Code (code-server): ${server.workbenchUrl()}\n  server log: ${server.log}\n  Ctrl-C to stop.\n`);
	})();
	const first = await Promise.race([signalled.then(() => 'signal'), ready.then(() => 'ready')]);
	if (first === 'ready') await signalled;
	else await ready.catch(() => {}); // let a startup in flight finish so we can stop it
	if (server) await server.stop();
}

main().then(
	() => process.exit(0),
	(e) => {
		console.error(e?.stack ?? e);
		process.exit(1);
	},
);
