// Data sets named in a job: a packaged one by name, a CSV file by its blob.
import { loadDataset, type Dataset } from '../models/index.js';
import type { BlobGetter, BlobRef } from './blobs.js';

export type DataSpec = 'mnist' | 'iris' | { csv: BlobRef; target: string; standardize?: boolean; source: string };

const decoder = new TextDecoder();

export async function loadSweepData(data: DataSpec, get: BlobGetter, classes: boolean): Promise<Dataset> {
  const source = typeof data === 'string' ? data : { ...data, csv: decoder.decode(await get(data.csv)) };
  return loadDataset(source, { classes });
}
