// Content-addressed bytes: parameter files, trajectories and CSV data travel to workers by their SHA-256, so a
// worker on another machine needs no shared disk, and a changed file can never be mistaken for the old one.
import { SaddleError } from '../core/errors.js';

export interface BlobRef {
  sha256: string;
  size: number;
}

export type BlobGetter = (ref: BlobRef) => Promise<Uint8Array>;

/** The SHA-256 of the bytes, in hex (Web Crypto: the same in Node and in browsers). */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Blobs held in this process. */
export class BlobSet {
  readonly blobs = new Map<string, Uint8Array>();

  async add(bytes: Uint8Array): Promise<BlobRef> {
    const ref = { sha256: await sha256(bytes), size: bytes.length };
    this.blobs.set(ref.sha256, bytes);
    return ref;
  }

  readonly get: BlobGetter = async (ref) => {
    const bytes = this.blobs.get(ref.sha256);
    if (!bytes) throw new SaddleError(`blob ${ref.sha256.slice(0, 12)}… (${ref.size} bytes) is not here`);
    return bytes;
  };
}
