// The chapter: one page per experiment of `saddle reproduce`, its controls, and its figures live.
import type { Lab } from '../client.js';
import { field, h } from '../dom.js';
import type { ExperimentInfo } from '../protocol.js';
import { getNumber, save, type Route } from '../state.js';

const VERDICT_COLOURS: Record<string, string> = { holds: '#1b7f3b', 'holds with qualification': '#8a5d00', 'does not hold': '#b3261e' };
let catalogue: Promise<ExperimentInfo[]> | null = null;

export function chapterPage(app: HTMLElement, lab: Lab, r: Route): void {
  catalogue ??= lab.call('experiments', {});
  if (!r.rest) {
    app.replaceChildren(h('h1', {}, 'The chapter, reproduced'), h('p', { class: 'status' }, 'Loading the experiments…'));
    void catalogue.then((list) => app.replaceChildren(
      h('h1', {}, 'The chapter, reproduced'),
      h('p', {}, 'Each claim of “Optimization and Deep Learning” as an experiment, run here in your browser with quick sizes (the CLI\'s saddle reproduce --quick).'),
      h('ul', { class: 'list', id: 'experiments' }, ...list.map((e) => h('li', {}, h('a', { href: `#/chapter/${e.id}` }, e.title), ` — ${e.id}`))),
    ));
    return;
  }
  void catalogue.then((list) => {
    const e = list.find((x) => x.id === r.rest);
    if (!e) {
      app.replaceChildren(h('h1', {}, 'No such experiment'), h('p', { role: 'alert' }, `'${r.rest}' is not an experiment. `, h('a', { href: '#/chapter' }, 'See the list.')));
      return;
    }
    const seed = h('input', { id: 'seed', type: 'text', inputmode: 'numeric', value: String(getNumber(r.params, 'seed', 1)), size: 6 });
    const inputs = e.controls.map((c) => {
      const v = r.params.get(c.name) ?? String(c.default);
      const input = c.kind === 'number'
        ? h('input', { id: `control-${c.name}`, type: 'number', min: c.min, max: c.max, step: c.step, value: v })
        : h('select', { id: `control-${c.name}` }, ...c.options.map((o) => h('option', { value: o, selected: o === v }, o)));
      return { c, input };
    });
    const run = h('button', { id: 'run', type: 'submit' }, 'Run');
    const status = h('p', { class: 'status', id: 'status', 'aria-live': 'polite' });
    const out = h('div', { id: 'result' });
    const form = h('form', { id: 'experiment-form' }, field('seed', seed), ...inputs.map(({ c, input }) => field(c.label, input)), run);
    app.replaceChildren(h('p', {}, h('a', { href: '#/chapter' }, '← all experiments')), h('h1', {}, e.title), h('blockquote', {}, e.claim), h('p', { class: 'status' }, `Source: ${e.source}`), form, status, out);
    let job: { stop: () => void } | null = null;
    const go = async () => {
      job?.stop();
      const params: Record<string, number | string> = {};
      for (const { c, input } of inputs) params[c.name] = c.kind === 'number' ? Number(input.value) : input.value;
      save(`chapter/${e.id}`, { seed: seed.value, ...Object.fromEntries(inputs.filter(({ c, input }) => input.value !== String(c.default)).map(({ c, input }) => [c.name, input.value])) });
      status.textContent = 'Running…';
      out.replaceChildren();
      const j = lab.job('experiment', { id: e.id, seed: Number(seed.value) || 0, params }, (p) => {
        const { fraction, what } = p as { fraction: number; what: string };
        status.textContent = `Running… ${Math.round(100 * fraction)}% ${what}`;
      });
      job = j;
      try {
        const res = await j.done;
        status.textContent = `Done in ${res.seconds.toFixed(1)} s.`;
        out.replaceChildren(
          h('p', {}, h('span', { class: 'badge', id: 'verdict', style: `background:${VERDICT_COLOURS[res.verdict]}` }, res.verdict)),
          h('ul', { class: 'list' }, ...res.reasons.map((x) => h('li', {}, x))),
          ...res.figures.map((f) => {
            const fig = h('figure', { class: 'figure' });
            fig.innerHTML = f.svg;
            fig.append(h('figcaption', {}, f.caption));
            return fig;
          }),
        );
      } catch (err) {
        status.textContent = err instanceof Error && err.message === 'stopped' ? 'Stopped.' : `Failed: ${err instanceof Error ? err.message : String(err)}`;
      }
    };
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void go();
    });
    void go();
  });
}
