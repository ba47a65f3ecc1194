#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# include-cycles.py - no #include cycle among our own headers.
#
# Follows every #include of a header that is ours: "x.h" next to the
# including file (or in tools/testing/unit/shim for the unit tests), and
# <hvguest/x.h> in include/.  Kernel and libc headers are not followed.
# Prints each cycle and a summary line; exit status 1 if there is one.
"""Find #include cycles among the project's headers."""

import os
import re
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
INCLUDE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]')


def sources():
    out = subprocess.run(['git', 'ls-files', '*.c', '*.h'], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    return [p for p in out.split() if p]


def edges(path, known):
    """The files of ours that PATH includes (repository-relative)."""
    found = []
    with open(os.path.join(REPO, path), encoding='utf-8',
              errors='replace') as f:
        for line in f:
            m = INCLUDE.match(line)
            if not m:
                continue
            kind, name = m.groups()
            cands = [os.path.join('include', name)]
            if kind == '"':
                cands.insert(0, os.path.normpath(
                    os.path.join(os.path.dirname(path), name)))
            for c in cands:
                if c in known:
                    found.append(c)
                    break
    return found


def main():
    files = sources()
    known = set(files)
    graph = {f: edges(f, known) for f in files if f.endswith('.h')}
    cycles, state = [], {}

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for h in sorted(graph):
        if h not in state:
            visit(h, [])
    for c in cycles:
        print('include cycle: ' + ' -> '.join(c))
    print(f'include-cycles: {len(graph)} headers, {len(cycles)} cycles')
    return 1 if cycles else 0


if __name__ == '__main__':
    sys.exit(main())
