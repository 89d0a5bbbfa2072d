// The design's layers, held as a rule: the core (parsers, sources, model, the protocol both sides
// share, the command line) never imports `vscode`, so it runs in the CLI, the scan worker and
// the unit tests; the parsers depend on nothing; and the webview's page never imports the
// extension host's side. Imports are found by TypeScript's own parser (type-only imports count:
// they tie the layer to the API too).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const SRC = path.join(__dirname, '..', '..', '..', 'src');

function files(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** Every module a file names in an import, export … from, require() or import(). */
function importsOf(file: string): string[] {
	const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
	const out: string[] = [];
	const visit = (n: ts.Node): void => {
		if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) out.push(n.moduleSpecifier.text);
		else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference) && ts.isStringLiteral(n.moduleReference.expression)) out.push(n.moduleReference.expression.text);
		else if (ts.isCallExpression(n) && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require')) && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) out.push(n.arguments[0].text);
		ts.forEachChild(n, visit);
	};
	visit(sf);
	return out;
}

describe('layers (what each part of src/ may import)', () => {
	const core = ['procfs', 'collect', 'model', 'shared'].flatMap((d) => files(path.join(SRC, d))).concat(['cli.ts', 'cliFormat.ts', 'cliWatch.ts'].map((f) => path.join(SRC, f)));

	it('finds the imports it checks (the parser sees every form)', () => {
		const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'procnet-layers-')), 'x.ts');
		fs.writeFileSync(tmp, "import * as a from 'vscode';\nimport type { B } from 'vscode';\nexport { c } from './c';\nimport d = require('d');\nconst e = require('e');\nvoid import('f');\n");
		assert.deepStrictEqual(importsOf(tmp), ['vscode', 'vscode', './c', 'd', 'e', 'f']);
		fs.rmSync(path.dirname(tmp), { recursive: true });
	});

	it('the core (procfs, collect, model, shared, the CLI) never imports vscode or the views', () => {
		assert.ok(core.length > 30, `${core.length} core files`);
		const bad: string[] = [];
		for (const f of core) for (const m of importsOf(f)) if (m === 'vscode' || /(^|\/)(views|debug|webview)\//.test(m) || /\/extension$/.test(m)) bad.push(`${path.relative(SRC, f)} imports ${m}`);
		assert.deepStrictEqual(bad, []);
	});

	it('the parsers (src/procfs) import nothing but each other', () => {
		const bad: string[] = [];
		for (const f of files(path.join(SRC, 'procfs'))) for (const m of importsOf(f)) if (!m.startsWith('./')) bad.push(`${path.relative(SRC, f)} imports ${m}`);
		assert.deepStrictEqual(bad, []);
	});

	it('the webview page imports only its own files, the shared protocol and the model (it runs in the browser)', () => {
		const bad: string[] = [];
		for (const f of files(path.join(SRC, 'webview'))) for (const m of importsOf(f)) if (!/^(\.\/|\.\.\/shared\/|\.\.\/model\/)/.test(m)) bad.push(`${path.relative(SRC, f)} imports ${m}`);
		assert.deepStrictEqual(bad, []);
	});
});
