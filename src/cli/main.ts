#!/usr/bin/env node
// The saddle command. The CLI is the only layer that prints, reads files or exits.
import { Command, CommanderError } from 'commander';
import { SaddleError } from '../core/errors.js';
import { ParseError } from '../expr/index.js';
import { analyzeCommand } from './analyze.js';
import { deriveCommand } from './derive.js';
import { generateCommand } from './generate.js';
import { hessianCommand } from './hessian.js';
import { infoCommand } from './info.js';
import { optimizeCommand } from './optimize.js';
import { plotCommand } from './plot.js';
import { regressCommand } from './regress.js';
import { reproduceCommand } from './reproduce.js';
import { trainCommand } from './train.js';
import { VERSION } from '../version.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('saddle')
    .description('A laboratory for optimization in deep learning: exact derivatives, stationary points, optimisers.')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(analyzeCommand());
  program.addCommand(deriveCommand());
  program.addCommand(generateCommand());
  program.addCommand(hessianCommand());
  program.addCommand(infoCommand());
  program.addCommand(optimizeCommand());
  program.addCommand(plotCommand());
  program.addCommand(regressCommand());
  program.addCommand(reproduceCommand());
  program.addCommand(trainCommand());
  // addCommand does not pass exitOverride on: without it a subcommand's own parse error (a --kind outside its
  // choices) would exit with commander's code 1 instead of our 2.
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // A reader that stops early (saddle … | head) is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof SaddleError) {
      const pointer = err instanceof ParseError ? err.pointer() : '';
      process.stderr.write(`saddle: ${err.message}\n${pointer ? `${pointer}\n` : ''}`);
      return 2;
    }
    process.stderr.write(`saddle: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

main(process.argv).then((code) => {
  // A command may have set a non-zero exit code of its own (reproduce, when an experiment failed).
  process.exitCode = code !== 0 ? code : (process.exitCode ?? 0);
});
