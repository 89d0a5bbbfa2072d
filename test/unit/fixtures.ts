// Reads test fixtures from the source tree (compiled tests live in out/test/unit/).
import * as fs from 'fs';
import * as path from 'path';

export const FIXTURES = path.join(__dirname, '../../../test/fixtures');

export function fixture(rel: string): string {
	return fs.readFileSync(path.join(FIXTURES, rel), 'utf8');
}
