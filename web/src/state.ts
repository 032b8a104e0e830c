// The whole state of a page lives in the URL (#/page?key=value&…), so a view can be shared and
// reloaded exactly. Pages read their keys with defaults and write them back as they change.
export type Route = { page: string; rest: string; params: URLSearchParams };

export function route(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?');
  const [page = '', ...rest] = path.split('/');
  return { page: page || 'landscape', rest: rest.join('/'), params: new URLSearchParams(query) };
}

/** Replaces the page's state in the URL (without a new history entry unless `push`). */
export function save(page: string, params: Record<string, string | number | undefined>, push = false): void {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const url = `#/${page}${q.size ? `?${q.toString()}` : ''}`;
  if (url === location.hash) return;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

export function get(params: URLSearchParams, key: string, fallback: string): string {
  return params.get(key) ?? fallback;
}

export function getNumber(params: URLSearchParams, key: string, fallback: number): number {
  const v = Number(params.get(key));
  return params.has(key) && Number.isFinite(v) ? v : fallback;
}
