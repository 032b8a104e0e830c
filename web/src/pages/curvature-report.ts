// The Curvature page's analysis of one set of parameters: the SLQ spectral density on a log scale with
// the top eigenvalues marked, the top-5 and λ_min with their residuals, and the numbers that summarise
// the spectrum (Ghorbani, Krishnan & Xiao 2019, arXiv 1901.10159; Yao et al. 2020, PyHessian).
import { densityFigure } from '../../../src/experiments/curvature-figures.js';
import { fmt, h, showSvg } from '../dom.js';
import type { CurvatureResponse } from '../protocol.js';

type Pair = CurvatureResponse['top'][number];

/**
 * The residual ‖Hv − λv‖ of a unit Ritz vector bounds the distance from λ to an eigenvalue of H, so a
 * negative eigenvalue is proved when even that bound cannot lift it to zero.
 */
const provedNegative = (p: Pair) => p.value + p.bound < 0;

function eigenRow(name: string, p: Pair, attrs: Record<string, string> = {}): HTMLTableRowElement {
  const note = provedNegative(p) ? 'proved negative' : p.converged ? 'converged' : 'not converged';
  return h(
    'tr',
    { class: 'eig-row' },
    h('th', { scope: 'row' }, name),
    h('td', { ...attrs, class: 'num', 'data-value': String(p.value) }, fmt(p.value, 5)),
    h('td', { class: 'num', title: `relative residual ${fmt(p.residual, 2)}` }, fmt(p.bound, 2)),
    h('td', { class: provedNegative(p) ? 'proved' : '' }, note),
  );
}

/** Draws `report` into the page's density figure and its two tables; `twoOverEta` is the run's 2/η. */
export function showCurvatureReport(
  parts: { density: HTMLElement; eigenvalues: HTMLTableElement; summary: HTMLTableElement; heading: HTMLElement },
  report: CurvatureResponse,
  twoOverEta: number,
): void {
  const top = report.top;
  const lmax = top[0];
  parts.heading.textContent = `Curvature at step ${report.step}`;
  if (report.density) {
    const title = `Hessian spectral density at step ${report.step} (SLQ, σ = ${report.density.sigma.toPrecision(2)})`;
    showSvg(parts.density, densityFigure(report.density, { title, eigenvalues: top.map((p) => p.value) })).setAttribute(
      'aria-label',
      `${title}; the top ${top.length} eigenvalues marked, λ_max = ${fmt(lmax.value, 4)}`,
    );
  }
  parts.eigenvalues.replaceChildren(
    h(
      'caption',
      {},
      `Top ${top.length} and bottom eigenvalues of the Hessian (Lanczos); the residual ‖Hv − λv‖ `,
      'bounds the error of each',
    ),
    h(
      'thead',
      {},
      h('tr', {}, ...['eigenvalue', 'value', '‖Hv − λv‖', 'status'].map((t) => h('th', { scope: 'col' }, t))),
    ),
    h(
      'tbody',
      {},
      ...top.map((p, i) => eigenRow(i === 0 ? 'λ_max' : `λ_${i + 1}`, p, i === 0 ? { id: 'lambda-max' } : {})),
      ...report.bottom.map((p) => eigenRow('λ_min', p, { id: 'lambda-min' })),
    ),
  );
  const { trace, outliers } = report;
  const rows: [string, string][] = [
    ['training loss', `${fmt(report.loss, 5)} (${report.lossNormalization})`],
    ['λ_max against 2/η', `${fmt(lmax.value, 4)} / ${fmt(twoOverEta, 4)} = ${fmt(lmax.value / twoOverEta, 3)}`],
    ['|λ_min/λ_max|', report.ratio === null ? '—' : fmt(report.ratio, 3)],
    [
      'trace (Hutchinson)',
      trace ? `${fmt(trace.estimate, 4)} ± ${fmt(trace.stderr, 2)} (${trace.probes} probes)` : '—',
    ],
    [
      'outliers above the bulk',
      outliers ? `${outliers.count} (largest gap among the top ${top.length}: ratio ${fmt(outliers.ratio, 3)})` : '—',
    ],
    ['spectral mass below −σ', report.negativeMass === null ? '—' : `${(100 * report.negativeMass).toFixed(2)}%`],
    ['parameters, digits', `${report.parameters.toLocaleString('en')}, ${report.examples.toLocaleString('en')}`],
    ['cost', `${report.hvps} Hessian-vector products, ${report.seconds.toFixed(1)} s`],
  ];
  parts.summary.replaceChildren(
    h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v)))),
  );
}
