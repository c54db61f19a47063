// What every interop script shares: the conversation with the JUnit test, a record of every HTTP
// exchange, and redaction.
//
// The conversation is JSON, one object a line. On stdout the script writes {"ask": ...} when it
// needs the test (a mailed link, a clock moved) and reads the answer as one line on stdin; it ends
// with {"result": ..., "exchanges": [...]} or {"failure": ...}. Everything else (console output,
// the readable failure report) goes to stderr, so stdout stays machine-readable.
import { createInterface } from 'node:readline';
import { parseArgs, format } from 'node:util';

// Values that are secrets wherever they appear: shown by length only, even though the test data
// is throwaway, so that a failure report can be pasted anywhere.
const SECRET_FIELDS = new Set([
  'password', 'token', 'tokenId', 'key', 'access_token', 'refresh_token', 'accessToken', 'refreshToken', 'secret',
]);

/** Every HTTP exchange the script made (realm-web's and its own), oldest first, redacted. */
export const exchanges = [];

export function redact(value, field) {
  if (typeof value === 'string') {
    return SECRET_FIELDS.has(field) ? `<redacted ${value.length} chars>` : value;
  }
  if (Array.isArray(value)) {
    return value.map((v) => redact(v, field));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}

function jsonOrText(text) {
  if (text === undefined || text === null || text === '') {
    return null;
  }
  try {
    return redact(JSON.parse(text));
  } catch {
    return text.length > 500 ? `${text.slice(0, 500)}... (${text.length} chars)` : text;
  }
}

function headersOf(init) {
  const out = {};
  new Headers(init?.headers ?? {}).forEach((value, name) => {
    out[name] = name === 'authorization' ? value.replace(/^(Bearer )?.*$/i, (m, scheme) => `${scheme ?? ''}<redacted>`) : value;
  });
  return out;
}

/**
 * Wraps globalThis.fetch so every exchange is recorded. Must run before realm-web is imported:
 * realm-web binds globalThis.fetch when its module loads. realm-web itself is not touched.
 */
export function recordFetch() {
  const real = globalThis.fetch;
  globalThis.fetch = async (input, init = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const entry = {
      method: init.method ?? 'GET',
      path: url.pathname + url.search,
      request: { headers: headersOf(init), body: jsonOrText(typeof init.body === 'string' ? init.body : null) },
    };
    exchanges.push(entry);
    try {
      const response = await real(input, init);
      entry.status = response.status;
      entry.response = {
        contentType: response.headers.get('content-type'),
        body: jsonOrText(await response.clone().text()),
      };
      return response;
    } catch (e) {
      entry.error = String(e);
      throw e;
    }
  };
}

// Every option any script takes: parseArgs refuses the unknown ones, so a typo fails loudly.
const OPTIONS = ['base-url', 'app-id', 'email', 'password', 'subject', 'now', 'issuer', 'audience'];

/** The command line's --name value options, as strings; the names given are required. */
export function options(names) {
  const spec = Object.fromEntries(OPTIONS.map((n) => [n, { type: 'string' }]));
  const { values, positionals } = parseArgs({ args: process.argv.slice(2), options: spec, allowPositionals: true });
  for (const n of names) {
    if (values[n] === undefined) {
      throw new Error(`missing --${n}`);
    }
  }
  return { ...values, positionals };
}

/** An environment variable the test must set (secrets travel this way, never on the command line). */
export function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`the environment variable ${name} is not set`);
  }
  return value;
}

function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

let stdinLines;

/** Asks the test for something and waits for its one-line JSON answer. */
export async function ask(question) {
  stdinLines ??= createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  send({ ask: question });
  const { value, done } = await stdinLines.next();
  if (done) {
    throw new Error(`the test closed stdin instead of answering ${JSON.stringify(question)}`);
  }
  return JSON.parse(value);
}

/**
 * Runs an operation that must fail, and returns how: for realm-web the HTTP status and App
 * Services error code (MongoDBRealmError), for jose its error code (ERR_JWS_...).
 */
export async function refusal(operation) {
  try {
    await operation();
  } catch (e) {
    if (e?.code !== undefined) {
      return { code: e.code, message: e.message };
    }
    return { statusCode: e.statusCode ?? null, errorCode: e.errorCode ?? null, error: e.error ?? null, message: e.message };
  }
  throw new Error('expected a refusal, but the call succeeded');
}

/**
 * Runs the script's body and reports. On failure the report names the error and shows the
 * exchanges that led to it, realm-web's last request and the server's answer first of all.
 */
export async function run(body) {
  // stdout is the conversation: whatever a library prints goes to stderr.
  console.log = console.info = console.warn = (...args) => process.stderr.write(`${format(...args)}\n`);
  try {
    const result = await body();
    send({ result, exchanges: exchanges.map(({ method, path, status }) => ({ method, path, status })) });
    process.exit(0);
  } catch (e) {
    const failure = {
      message: e?.message ?? String(e),
      name: e?.name,
      // MongoDBRealmError: what realm-web made of the server's answer.
      statusCode: e?.statusCode,
      errorCode: e?.errorCode,
      exchanges: exchanges.slice(-8),
    };
    send({ failure });
    const last = exchanges.at(-1);
    process.stderr.write(`FAILED: ${failure.message}\n${e?.stack ?? ''}\n`);
    if (last) {
      process.stderr.write(`last exchange: ${JSON.stringify(last, null, 2)}\n`);
    }
    process.exit(1);
  }
}
