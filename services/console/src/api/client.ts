/** A problem+json answer of the engine (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; errors?: Array<{ field: string; reason: string }> } | undefined,
  ) {
    super(problem?.errors?.map((e) => `${e.field} ${e.reason}`).join('; ') || problem?.title || `HTTP ${status}`);
  }
}

const KEY_STORAGE = 'journey.apiKey';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function storeKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

/** A call of the engine's public API with the signed-in key; JSON in and out. */
export async function api<T>(path: string, init: { method?: string; body?: unknown; key?: string; signal?: AbortSignal } = {}): Promise<T> {
  const key = init.key ?? storedKey();
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    signal: init.signal,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) throw new ApiError(response.status, parsed as ApiError['problem']);
  return parsed as T;
}

/** The raw text of a call (CSV exports, Prometheus metrics). */
export async function apiText(path: string): Promise<string> {
  const key = storedKey();
  const response = await fetch(path, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const text = await response.text();
  if (!response.ok) throw new ApiError(response.status, safeJson(text) as ApiError['problem']);
  return text;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { title: text.slice(0, 200) };
  }
}
