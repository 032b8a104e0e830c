// The chapter: one page per experiment of `saddle reproduce`, its controls, and its figures live.
import type { Job, Lab } from '../client.js';
import { field, h, showSvg } from '../dom.js';
import { Lifetime, type Dispose } from '../page.js';
import type { ExperimentInfo } from '../protocol.js';
import { getNumber, save, type Route } from '../state.js';

const VERDICT_COLOURS: Record<string, string> = {
  holds: '#1b7f3b',
  'holds with qualification': '#8a5d00',
  'does not hold': '#b3261e',
};
let catalogue: Promise<ExperimentInfo[]> | null = null;

function listPage(app: HTMLElement, list: ExperimentInfo[]): void {
  app.replaceChildren(
    h('h1', {}, 'The chapter, reproduced'),
    h(
      'p',
      {},
      'Each claim of “Optimization and Deep Learning” as an experiment, run here in your browser with ',
      "quick sizes (the CLI's saddle reproduce --quick).",
    ),
    h(
      'ul',
      { class: 'list', id: 'experiments' },
      ...list.map((e) => h('li', {}, h('a', { href: `#/chapter/${e.id}` }, e.title), ` — ${e.id}`)),
    ),
  );
}

function experimentPage(app: HTMLElement, lab: Lab, r: Route, e: ExperimentInfo, life: Lifetime): void {
  const seed = h('input', {
    id: 'seed',
    type: 'text',
    inputmode: 'numeric',
    value: String(getNumber(r.params, 'seed', 1)),
    size: 6,
  });
  const inputs = e.controls.map((c) => {
    const v = r.params.get(c.name) ?? String(c.default);
    const input =
      c.kind === 'number'
        ? h('input', { id: `control-${c.name}`, type: 'number', min: c.min, max: c.max, step: c.step, value: v })
        : h(
            'select',
            { id: `control-${c.name}` },
            ...c.options.map((o) => h('option', { value: o, selected: o === v }, o)),
          );
    return { c, input };
  });
  const run = h('button', { id: 'run', type: 'submit' }, 'Run');
  const status = h('p', { class: 'status', id: 'status', 'aria-live': 'polite' });
  const out = h('div', { id: 'result' });
  const form = h(
    'form',
    { id: 'experiment-form' },
    field('seed', seed),
    ...inputs.map(({ c, input }) => field(c.label, input)),
    run,
  );
  app.replaceChildren(
    h('p', {}, h('a', { href: '#/chapter' }, '← all experiments')),
    h('h1', {}, e.title),
    h('blockquote', {}, e.claim),
    h('p', { class: 'status' }, `Source: ${e.source}`),
    form,
    status,
    out,
  );
  let job: Job<'experiment'> | null = null;
  const go = async () => {
    job?.stop();
    const params: Record<string, number | string> = {};
    for (const { c, input } of inputs) params[c.name] = c.kind === 'number' ? Number(input.value) : input.value;
    const changed = inputs.filter(({ c, input }) => input.value !== String(c.default));
    save(`chapter/${e.id}`, {
      seed: seed.value,
      ...Object.fromEntries(changed.map(({ c, input }) => [c.name, input.value])),
    });
    status.textContent = 'Running…';
    out.replaceChildren();
    const j = life.job(
      lab.job('experiment', { id: e.id, seed: Number(seed.value) || 0, params }, (p) => {
        status.textContent = `Running… ${Math.round(100 * p.fraction)}% ${p.what}`;
      }),
    );
    job = j;
    try {
      const res = await j.done;
      status.textContent = `Done in ${res.seconds.toFixed(1)} s.`;
      out.replaceChildren(
        h(
          'p',
          {},
          h(
            'span',
            {
              class: 'badge',
              id: 'verdict',
              style: `background:${VERDICT_COLOURS[res.verdict]}`,
            },
            res.verdict,
          ),
        ),
        h('ul', { class: 'list' }, ...res.reasons.map((x) => h('li', {}, x))),
        ...res.figures.map((f) => {
          const fig = h('figure', { class: 'figure' });
          showSvg(fig, f.svg);
          fig.append(h('figcaption', {}, f.caption));
          return fig;
        }),
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      status.textContent = message === 'stopped' ? 'Stopped.' : `Failed: ${message}`;
    }
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void go();
  });
  void go();
}

export function chapterPage(app: HTMLElement, lab: Lab, r: Route): Dispose {
  const life = new Lifetime();
  catalogue ??= lab.call('experiments', {});
  if (!r.rest) {
    app.replaceChildren(
      h('h1', {}, 'The chapter, reproduced'),
      h('p', { class: 'status' }, 'Loading the experiments…'),
    );
  }
  // The catalogue may arrive after the reader has moved on: `app` then belongs to another page.
  void catalogue.then((list) => {
    if (life.gone) return;
    if (!r.rest) return listPage(app, list);
    const e = list.find((x) => x.id === r.rest);
    if (e) return experimentPage(app, lab, r, e, life);
    app.replaceChildren(
      h('h1', {}, 'No such experiment'),
      h('p', { role: 'alert' }, `'${r.rest}' is not an experiment. `, h('a', { href: '#/chapter' }, 'See the list.')),
    );
  });
  return life.dispose;
}
