// `saddle worker --queue redis://host:6379 [--threads n] [--lock s]`: takes sweep jobs (landscape points, training
// runs) from the queue until stopped (Ctrl-C or SIGTERM finishes the jobs in hand first). Any number of machines
// may run one; they need the queue, not a shared disk.
import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { enableRelaxedSimd } from './node-runtime.js';
import { integerOption } from './options.js';
import { startWorker } from './sweep-queue.js';

interface Flags {
  queue: string;
  threads: number;
  lock: number;
  verbose?: boolean;
}

export function workerCommand(): Command {
  return new Command('worker')
    .description('take sweep jobs from a Redis queue (saddle landscape --queue, saddle sweep --queue) until stopped')
    .addOption(new Option('--queue <url>', 'the Redis of the queue, e.g. redis://127.0.0.1:6379').makeOptionMandatory())
    .addOption(integerOption('--threads <n>', 'jobs at once, each on its own thread', 1, 256, availableParallelism()))
    .addOption(
      integerOption(
        '--lock <seconds>',
        'a job whose worker stops answering for this long (killed, disconnected) goes to another worker',
        1,
        3600,
        30,
      ),
    )
    .option('--verbose', 'a line on standard error for every job')
    .action(async (flags: Flags) => {
      enableRelaxedSimd();
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const worker = await startWorker({
        url: flags.queue,
        concurrency: flags.threads,
        lockSeconds: flags.lock,
        onJob: flags.verbose ? (event, id, detail) => log(`${event} ${id}${detail ? `: ${detail}` : ''}`) : undefined,
      });
      log(`saddle worker: taking jobs from ${flags.queue} on ${flags.threads} threads (Ctrl-C stops)`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          log('saddle worker: finishing the jobs in hand (a second Ctrl-C stops at once)');
          // A second signal, or jobs that do not finish in a minute: stop now; their locks expire and the jobs go to
          // other workers, so nothing is lost.
          const now = () => process.exit(130);
          process.once('SIGINT', now);
          process.once('SIGTERM', now);
          setTimeout(now, 60_000).unref();
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await worker.close();
      // Nothing of the queue's clients may keep the process alive once its jobs are done.
      process.exit(0);
    });
}
