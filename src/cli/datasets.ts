// The data flags that `saddle train`, `hessian` and `landscape` share: --data mnist|iris|file.csv (--target,
// --standardize); their declarations are in options.ts.
import { loadDataset, type Dataset, type DataSource } from '../models/index.js';
import { UsageError } from './arguments.js';
import { readText } from './files.js';

export interface DataFlags {
  data: string;
  target?: string;
  standardize?: boolean;
}

/** The source the flags name, with a CSV file's text read. */
export function dataSource(flags: DataFlags, options: { classes: boolean }): DataSource {
  if (flags.data === 'mnist' || flags.data === 'iris') return flags.data;
  if (!flags.data.toLowerCase().endsWith('.csv'))
    throw new UsageError(`--data: '${flags.data}' is not mnist, iris or a .csv file`);
  if (!flags.target)
    throw new UsageError(
      `--data ${flags.data} needs --target <column> (the ${options.classes ? 'class' : 'target'} column)`,
    );
  return { csv: readText(flags.data), target: flags.target, standardize: flags.standardize, source: flags.data };
}

/**
 * MNIST, Iris, or a CSV file used as given (standardised only with --standardize). `classes`: the
 * target must hold class indices 0, 1, 2, … (classification), or any numbers (regression).
 */
export async function loadData(flags: DataFlags, options: { classes: boolean }): Promise<Dataset> {
  return loadDataset(dataSource(flags, options), options);
}
