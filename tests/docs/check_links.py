#!/usr/bin/env python3
"""Fails on a relative link in the given Markdown files that leads nowhere:
a file that does not exist, or an #anchor that no heading of its target
makes.  Anchors are made as GitHub makes them from a heading's text.

usage: tests/docs/check_links.py FILE.md...
"""
import os
import re
import sys

LINK = re.compile(r'\[(?:[^\]\\]|\\.)*\]\(([^()\s]+)\)')
FENCE = re.compile(r'^\s*(```|~~~)')


def prose_lines(path):
    """(line number, text) of the lines outside fenced code blocks: a
    heading or a link shown as code is neither."""
    fenced = False
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            if FENCE.match(line):
                fenced = not fenced
            elif not fenced:
                yield n, line


def slug(heading):
    """GitHub's anchor for a heading: lower case, markup and punctuation
    dropped (not '-' or '_'), each space a '-'."""
    text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', heading.strip())
    text = text.replace('`', '').lower()
    text = re.sub(r'[^\w\- ]', '', text)
    return text.replace(' ', '-')


def anchors(path):
    seen = {}
    result = set()
    for _, line in prose_lines(path):
        m = re.match(r'^#{1,6}\s+(.*?)\s*#*\s*$', line)
        if not m:
            continue
        base = slug(m.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else '%s-%d' % (base, count))
    return result


def links(path):
    for n, line in prose_lines(path):
        code_free = re.sub(r'`[^`]*`', '', line)
        for m in LINK.finditer(code_free):
            yield n, m.group(1)


def main(files):
    cache = {}
    bad = 0
    for path in files:
        for n, target in links(path):
            if re.match(r'^[a-z][a-z0-9+.-]*:', target):
                continue  # http:, https:, mailto:: not checked here
            file_part, _, anchor = target.partition('#')
            dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            if not os.path.exists(dest):
                print('%s:%d: link to a missing file: %s' % (path, n, target))
                bad += 1
                continue
            if anchor:
                if not dest.endswith('.md') or os.path.isdir(dest):
                    print('%s:%d: anchor into what is not Markdown: %s' % (path, n, target))
                    bad += 1
                    continue
                if dest not in cache:
                    cache[dest] = anchors(dest)
                if anchor not in cache[dest]:
                    print('%s:%d: no heading in %s makes #%s' % (path, n, dest, anchor))
                    bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
