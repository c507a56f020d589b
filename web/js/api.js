// api.js — the console's only way to the daemon: the same HTTP API other systems use, with
// the token kept in this tab's sessionStorage and sent as "Authorization: Bearer". A token
// never goes into a URL.

const KEY = 'thidua.token';

export const session = {
  token: () => sessionStorage.getItem(KEY),
  signIn: (token) => sessionStorage.setItem(KEY, token.trim()),
  signOut: () => sessionStorage.removeItem(KEY),
};

// An answer other than 2xx: status, the API's code and Vietnamese message, and the details
// of a 422 ([{field, message}]).
export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || 'http_' + status;
    this.details = (body && body.details) || error.details || [];
    this.body = body;
  }
}

async function call(method, path, body) {
  const headers = { Authorization: 'Bearer ' + (session.token() || '') };
  const init = { method, headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const resp = await fetch(path, init);
  const text = await resp.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { error: { message: text } };
  }
  if (!resp.ok && resp.status !== 202) throw new ApiError(resp.status, parsed);
  return { status: resp.status, body: parsed };
}

export const api = {
  get: async (path) => (await call('GET', path)).body,
  put: (path, body) => call('PUT', path, body),
  post: (path, body) => call('POST', path, body),
};

// Downloads a file the API makes (a report as xlsx or CSV) under `filename`: fetched with
// the token, handed to the browser as a blob.
export async function download(path, filename) {
  const resp = await fetch(path, { headers: { Authorization: 'Bearer ' + session.token() } });
  if (!resp.ok) throw new ApiError(resp.status, await resp.json().catch(() => null));
  const url = URL.createObjectURL(await resp.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
