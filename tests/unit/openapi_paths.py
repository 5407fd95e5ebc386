#!/usr/bin/python3
"""Prints the operations of an OpenAPI document, one per line:
   METHOD PATH param,param,...   (the query parameters, sorted)
Exits non-zero when the file is not YAML or not an OpenAPI 3.1 document,
or when a response does not declare, with required: true, a header wagw
always sends with it."""
import sys

import yaml


def resolve(doc, obj):
    while isinstance(obj, dict) and '$ref' in obj:
        ref = obj['$ref']
        if not ref.startswith('#/'):
            sys.exit('external $ref %s' % ref)
        node = doc
        for part in ref[2:].split('/'):
            node = node[part]
        obj = node
    return obj


# What wagw sends on every answer, and with some statuses (response.c).
ALWAYS = ('X-Request-Id', 'Cache-Control', 'X-Content-Type-Options')
WITH_STATUS = {'401': ('WWW-Authenticate',), '405': ('Allow',), '202': ('Retry-After',),
               '429': ('Retry-After',), '503': ('Retry-After',), '201': ('Location',)}


def check_headers(doc, where, code, resp, method):
    """Exits unless resp declares, as required, each header wagw always sends."""
    headers = {k.lower(): resolve(doc, v) for k, v in (resp.get('headers') or {}).items()}
    want = ALWAYS + WITH_STATUS.get(code, ()) + (('Allow',) if method == 'options' and
                                                  code == '204' else ())
    for name in want:
        h = headers.get(name.lower())
        if h is None or h.get('required') is not True:
            sys.exit('%s: %s is not declared with required: true' % (where, name))


def main():
    with open(sys.argv[1], encoding='utf-8') as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict) or not str(doc.get('openapi', '')).startswith('3.1'):
        sys.exit('not an OpenAPI 3.1 document')
    for key in ('info', 'paths'):
        if key not in doc:
            sys.exit('missing %s' % key)
    for path, item in doc['paths'].items():
        for method, op in item.items():
            if method not in ('get', 'head', 'put', 'post', 'delete', 'options', 'patch', 'trace'):
                continue
            params = [resolve(doc, p) for p in item.get('parameters', []) + op.get('parameters', [])]
            query = sorted(p['name'] for p in params if p['in'] == 'query')
            for p in params:
                if p['in'] == 'path' and '{%s}' % p['name'] not in path:
                    sys.exit('%s: path parameter %s not in the path' % (path, p['name']))
            for code, resp in op['responses'].items():
                check_headers(doc, '%s %s %s' % (method.upper(), path, code), code,
                              resolve(doc, resp), method)
            print(method.upper(), path, ','.join(query))


main()
