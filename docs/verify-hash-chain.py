#!/usr/bin/env python3
"""Recomputes the hash chain of a batch's events from their public JSON (see docs/hash-chain.md).

Usage: verify-hash-chain.py EVENTS.json   (a page {"items": [...]}, {"events": [...]}, or a bare array)
Exit code 0 when every sequence, link and hash holds; 1 with the first failing sequence otherwise.
Standard library only, written from the document rather than from the server's code.
"""
import hashlib
import json
import sys


def prune(value):
    """Drops null, {} and [] members at every depth."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = prune(item)
            if item is None or item == {} or item == []:
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [prune(item) for item in value]
    return value


def canonical_string(s):
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == '\\':
            out.append('\\\\')
        elif ch in '\b\f\n\r\t':
            out.append({'\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t'}[ch])
        elif code < 0x20:
            out.append('\\u%04x' % code)
        else:
            out.append(ch)
    out.append('"')
    return ''.join(out)


def canonical_number(n):
    if isinstance(n, bool):
        raise ValueError("booleans are not numbers")
    if isinstance(n, int):
        return str(n)
    text = repr(float(n))
    if 'e' in text or 'E' in text:
        text = format(n, '.15f').rstrip('0').rstrip('.')
    if text.endswith('.0'):
        text = text[:-2]
    return text


def canonical(value):
    if value is None:
        return 'null'
    if value is True:
        return 'true'
    if value is False:
        return 'false'
    if isinstance(value, str):
        return canonical_string(value)
    if isinstance(value, (int, float)):
        return canonical_number(value)
    if isinstance(value, list):
        return '[' + ','.join(canonical(v) for v in value) + ']'
    if isinstance(value, dict):
        keys = sorted(value.keys(), key=lambda k: k.encode('utf-16-be'))
        return '{' + ','.join(canonical_string(k) + ':' + canonical(value[k]) for k in keys) + '}'
    raise ValueError("cannot canonicalise %r" % (value,))


def event_hash(event):
    content = {k: v for k, v in event.items() if k not in ('hash', 'batchId')}
    # The items' digest is hashed in their place: the producer's view shows both, the public's only the digest.
    if content.get('itemsDigest'):
        content.pop('items', None)
    previous = content.get('previousHash')
    content = prune(content)
    content['previousHash'] = previous
    return hashlib.sha256(canonical(content).encode('utf-8')).hexdigest()


def verify(events):
    """Returns (first invalid sequence or None, head hash)."""
    previous = None
    for expected, event in enumerate(sorted(events, key=lambda e: e['sequence']), start=1):
        if event['sequence'] != expected or event.get('previousHash') != previous or event_hash(event) != event['hash']:
            return expected, previous
        previous = event['hash']
    return None, previous


def main(path):
    with open(path, encoding='utf-8') as f:
        data = json.load(f)
    events = data.get('items', data.get('events')) if isinstance(data, dict) else data
    first_invalid, head = verify(events)
    if first_invalid is None:
        print("valid: %d events, head %s" % (len(events), head))
        return 0
    print("invalid: the chain breaks at sequence %d" % first_invalid)
    return 1


if __name__ == '__main__':
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
