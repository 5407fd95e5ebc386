// Checks one HTTP exchange against the OpenAPI document the server serves,
// with third-party tools only: openapi-backend dereferences the document
// and routes the request to its operation; Ajv (JSON Schema 2020-12, as
// OpenAPI 3.1 says) checks the body and each header.  (openapi-backend's
// own check of the document knows OpenAPI 3.0 only: `redocly lint`, in
// tests/openapi/run, checks the document.)
//
// An exchange fails on a status the operation does not declare, a
// Content-Type its response does not declare (or one where it declares no
// content), a header declared `required: true` that is missing, a header or
// a body that does not match its schema.  A path the document does not have
// must be its NotFound response; a method a path does not have, its
// MethodNotAllowed response (both described in info.description).  An answer
// without X-Request-Id is the web server's own: its status must be in
// x-server-answers for that server, and it must not pretend to be JSON.
import { OpenAPIBackend } from 'openapi-backend';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';

function newAjv() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv;
}

function mediaType(value) {
  return value === undefined ? undefined : value.split(';')[0].trim().toLowerCase();
}

// The document's response for a status: exact, then a range (4XX).
function responseFor(responses, status) {
  return responses[String(status)] ?? responses[String(status)[0] + 'XX'];
}

export class Checker {
  // text: the document as served; server: 'lighttpd' or 'apache'.
  static async load(text, server) {
    const doc = yaml.load(text);
    const api = new OpenAPIBackend({
      definition: doc,
      strict: true,
      validate: false,
      quick: true,             // no check of the document (3.0 only), see above
      ignoreTrailingSlashes: false,
      // JSON Schema 2020-12, as OpenAPI 3.1 says.
      customizeAjv: () => newAjv(),
    });
    await api.init();
    return new Checker(api, doc, server);
  }

  constructor(api, doc, server) {
    this.api = api;
    this.doc = api.definition;          // dereferenced
    this.server = server;
    this.serverAnswers = doc['x-server-answers']?.[server] ?? {};
    this.ajv = newAjv();
    this.compiled = new WeakMap();
    this.seen = new Map();              // "operationId status" -> count
  }

  validator(schema) {
    let v = this.compiled.get(schema);
    if (v === undefined) {
      v = this.ajv.compile(schema);
      this.compiled.set(schema, v);
    }
    return v;
  }

  // The operation a request reaches, or the document's answer for none.
  route(method, target) {
    const r = this.doc.components.responses;
    try {
      const op = this.api.router.matchOperation({ method, path: target, headers: {} }, true);
      return { name: op.operationId, responses: op.responses };
    } catch (e) {
      // A path of the document, but not this method: 405 when its path
      // parameters are values the document allows; when they are not, the
      // document does not say which comes first ("A:bogus" is no session,
      // 404; "contacts/x" with PUT is 405), and either answer is its own.
      if (String(e.message).startsWith('405')) {
        if (this.isPath(target))
          return { name: '(method not allowed)', responses: { 405: r.MethodNotAllowed } };
        return { name: '(not a path, or not this method)',
          responses: { 404: r.NotFound, 405: r.MethodNotAllowed } };
      }
      return { name: '(no such path)', responses: { 404: r.NotFound } };
    }
  }

  // True when target's path is one of the document's paths with each path
  // parameter (decoded once) matching its schema.
  isPath(target) {
    const path = target.split('?')[0];
    for (const [template, item] of Object.entries(this.doc.paths)) {
      const names = [];
      const re = new RegExp('^' + template.split(/\{([^}]+)\}/).map((part, i) => {
        if (i % 2) {
          names.push(part);
          return '([^/]+)';
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }).join('') + '$');
      const m = path.match(re);
      if (m === null) continue;
      const ok = names.every((name, i) => {
        const p = (item.parameters ?? []).find((x) => x.in === 'path' && x.name === name);
        let value;
        try {
          value = decodeURIComponent(m[i + 1]);
        } catch {
          return false;
        }
        return p === undefined || this.validator(p.schema ?? {})(value);
      });
      if (ok) return true;
    }
    return false;
  }

  // ex: {method, target, status, headers: {lowercase name: [values]}, body: Buffer}
  // Returns a list of problems ([] when the exchange matches the document).
  check(ex) {
    const errors = [];
    const where = `${ex.method} ${ex.target.slice(0, 120)} -> ${ex.status}`;
    const header = (n) => ex.headers[n]?.[0];
    const type = mediaType(header('content-type'));

    if (header('x-request-id') === undefined) {
      if (!(String(ex.status) in this.serverAnswers))
        errors.push(`${where}: no X-Request-Id, and ${ex.status} is not an answer ` +
          `x-server-answers lists for ${this.server}`);
      if (type === 'application/json')
        errors.push(`${where}: JSON without X-Request-Id`);
      this.count(`(${this.server}) ${ex.status}`);
      return errors;
    }
    const op = this.route(ex.method, ex.target);
    const resp = responseFor(op.responses, ex.status);
    this.count(`${op.name} ${ex.status}`);
    if (resp === undefined) {
      errors.push(`${where}: ${op.name} declares no ${ex.status} ` +
        `(declares ${Object.keys(op.responses).join(', ')})`);
      return errors;
    }
    // Headers: the required ones are there; each one there matches.
    for (const [name, h] of Object.entries(resp.headers ?? {})) {
      const values = ex.headers[name.toLowerCase()];
      if (values === undefined) {
        if (h.required) errors.push(`${where}: ${op.name}: no ${name} (required)`);
        continue;
      }
      if (values.length !== 1) errors.push(`${where}: ${name} ${values.length} times`);
      let value = values[0];
      if (h.schema?.type === 'integer' && /^-?[0-9]+$/.test(value)) value = Number(value);
      const v = this.validator(h.schema ?? {});
      if (!v(value))
        errors.push(`${where}: ${name} ${JSON.stringify(values[0])}: ` +
          this.ajv.errorsText(v.errors));
    }
    // Content type, then the body.
    const content = resp.content ?? {};
    if (Object.keys(content).length === 0) {
      if (type !== undefined) errors.push(`${where}: Content-Type ${type} where none is declared`);
      if (ex.body.length !== 0) errors.push(`${where}: a body where none is declared`);
      return errors;
    }
    const media = content[type];
    if (media === undefined) {
      errors.push(`${where}: Content-Type ${type} is not one of ` +
        Object.keys(content).join(', '));
      return errors;
    }
    if (ex.method === 'HEAD') {
      if (ex.body.length !== 0) errors.push(`${where}: HEAD with a body`);
      return errors;
    }
    let value;
    if (type === 'application/json') {
      try {
        value = JSON.parse(ex.body.toString('utf8'));
      } catch (e) {
        errors.push(`${where}: not JSON: ${e.message}`);
        return errors;
      }
    } else if (type === 'image/png') {
      if (!ex.body.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')))
        errors.push(`${where}: image/png that is not a PNG`);
      value = ex.body.toString('latin1');
    } else {
      value = ex.body.toString('utf8');
      if (type === 'application/yaml') {
        try {
          yaml.load(value);
        } catch (e) {
          errors.push(`${where}: not YAML: ${e.message}`);
        }
      }
    }
    const v = this.validator(media.schema ?? {});
    if (!v(value))
      errors.push(`${where}: body: ${this.ajv.errorsText(v.errors)}: ` +
        ex.body.toString('utf8').slice(0, 200));
    return errors;
  }

  count(key) {
    this.seen.set(key, (this.seen.get(key) ?? 0) + 1);
  }
}
