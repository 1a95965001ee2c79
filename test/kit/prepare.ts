// Run once by bin/run-tests.js before the test files.
import { prepareTemplates, dbLabel } from './db.ts';

const t = Date.now();
await prepareTemplates();
process.stdout.write(`# test templates ready on ${dbLabel()} in ${Date.now() - t} ms\n`);
