// A page of the lab, and the router that moves between pages. A page draws into `app` and returns
// its dispose step; the router calls it before drawing the next page, so that nothing a page
// started (a worker job, an animation frame, a listener outside its own elements) outlives it.
import type { Lab } from './client.js';
import type { Route } from './state.js';

export type Dispose = () => void;
export type Page = (app: HTMLElement, lab: Lab, route: Route) => Dispose;

/**
 * What a page has started, ended together when the page is left. `gone` is true from then on, so an
 * answer that arrives late (the shared worker's calls cannot be interrupted) draws nothing.
 */
export class Lifetime {
  private ends: (() => void)[] = [];
  private left = false;

  get gone(): boolean {
    return this.left;
  }

  /** Runs `end` when the page is left (at once if it has been already). */
  defer(end: () => void): void {
    if (this.left) end();
    else this.ends.push(end);
  }

  /** A worker job that stops when the page is left. */
  job<J extends { stop: () => void }>(job: J): J {
    this.defer(job.stop);
    return job;
  }

  /** Ends everything, newest first; one failing end does not keep the others from running. */
  readonly dispose: Dispose = () => {
    if (this.left) return;
    this.left = true;
    const errors: unknown[] = [];
    for (const end of this.ends.splice(0).reverse()) {
      try {
        end();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw errors[0];
  };
}

/** Draws the page of each route it is given, after disposing of the page drawn before. */
export function router(pages: Record<string, Page>, fallback: Page, app: HTMLElement, lab: Lab): (r: Route) => void {
  let dispose: Dispose = () => undefined;
  return (r) => {
    const previous = dispose;
    dispose = () => undefined;
    try {
      previous();
    } finally {
      dispose = (pages[r.page] ?? fallback)(app, lab, r);
    }
  };
}
