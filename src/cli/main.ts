#!/usr/bin/env node
// The saddle command. The CLI is the only layer that prints, reads files or exits.
import { runCli } from './program.js';

export { buildProgram } from './program.js';

// A reader that stops early (saddle … | head) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

runCli(process.argv).then((code) => {
  // A command may have set a non-zero exit code of its own (reproduce, when an experiment failed).
  process.exitCode = code !== 0 ? code : (process.exitCode ?? 0);
});
