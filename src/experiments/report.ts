// The HTML report of a reproduce run: one self-contained page (no network, no scripts), a summary
// table, then for each experiment its claim, source, verdict with reasons, figures and numbers.
import type { ExperimentResult, Verdict } from './types.js';

export type ReportEntry =
  | { result: ExperimentResult; figureFiles: { svg: string; png: string; caption: string }[] }
  | { failed: { id: string; title: string; claim: string; error: string } };

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const COLOURS: Record<Verdict | 'failed', string> = {
  holds: '#1b7f3b',
  'holds with qualification': '#9a6a00',
  'does not hold': '#b3261e',
  failed: '#555',
};

function badge(v: Verdict | 'failed'): string {
  return `<span class="badge" style="background:${COLOURS[v]}">${esc(v)}</span>`;
}

export function reportHtml(
  entries: readonly ReportEntry[],
  meta: { version: string; quick: boolean; seed: number; seconds: number },
): string {
  const rows = entries.map((e) => {
    if ('failed' in e)
      return (
        `<tr><td><a href="#${esc(e.failed.id)}">${esc(e.failed.title)}</a></td>` +
        `<td>${badge('failed')}</td><td>—</td></tr>`
      );
    return (
      `<tr><td><a href="#${esc(e.result.id)}">${esc(e.result.title)}</a></td>` +
      `<td>${badge(e.result.verdict)}</td><td>${e.result.seconds.toFixed(1)} s</td></tr>`
    );
  });
  const sections = entries.map((e) => {
    if ('failed' in e) {
      return (
        `<section id="${esc(e.failed.id)}"><h2>${esc(e.failed.title)} ${badge('failed')}</h2>` +
        `<blockquote>${esc(e.failed.claim)}</blockquote>` +
        `<p class="error">The experiment failed: ${esc(e.failed.error)}</p></section>`
      );
    }
    const r = e.result;
    const figures = e.figureFiles
      .map(
        (f) =>
          `<figure><img src="${esc(f.svg)}" alt="${esc(f.caption)}">` +
          `<figcaption>${esc(f.caption)} (<a href="${esc(f.png)}">PNG</a>)</figcaption></figure>`,
      )
      .join('\n');
    return (
      `<section id="${esc(r.id)}">
<h2>${esc(r.title)} ${badge(r.verdict)}</h2>
<blockquote>${esc(r.claim)}</blockquote>
<p class="source">Source: ${esc(r.source)}</p>
<ul class="reasons">${r.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>
${figures}
<details><summary>Numbers and settings (<a href="${esc(r.id)}/result.json">result.json</a>; ` +
      `seed ${r.seed}${r.quick ? ', quick' : ''}, ${r.seconds.toFixed(1)} s)</summary>` +
      `<pre>${esc(JSON.stringify({ settings: r.settings, numbers: r.numbers }, null, 1))}</pre></details>
</section>`
    );
  });
  return (
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>saddle: the chapter, reproduced</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#1d1d1d}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2.2em;border-top:1px solid #ddd;padding-top:1em}
blockquote{margin:0.6em 0;padding:0.4em 1em;border-left:4px solid #bbb;background:#f6f6f6;font-style:italic}
.badge{color:#fff;border-radius:4px;padding:1px 8px;font-size:0.8em;font-weight:600;` +
    `vertical-align:middle;white-space:nowrap}
.source{color:#555;font-size:0.9em}.error{color:#b3261e}
figure{margin:1em 0}figure img{max-width:100%;border:1px solid #eee}figcaption{font-size:0.9em;color:#444}
table{border-collapse:collapse}td,th{padding:3px 12px 3px 0;text-align:left}
pre{max-height:24em;overflow:auto;background:#f6f6f6;padding:0.6em;font-size:12px}
</style></head><body>
<h1>The chapter, reproduced</h1>
<p>Every claim of "Optimization and Deep Learning" re-derived from scratch by <code>saddle reproduce</code> ` +
    `(saddle ${esc(meta.version)}, seed ${meta.seed}${meta.quick ? ', quick sizes' : ''}, ` +
    `${meta.seconds.toFixed(0)} s). ` +
    `Each verdict is decided from the measured numbers by the experiment's own check.</p>
<table><thead><tr><th>experiment</th><th>verdict</th><th>time</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
${sections.join('\n')}
</body></html>
`
  );
}
