// Makes the compiled CLI entry executable so `npx saddle` works after `npm install`.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
