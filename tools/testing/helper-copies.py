#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# helper-copies.py - no shell helper defined twice in the VM test scripts.
#
# A helper lives in exactly one place (Documentation/testing.rst, "Helper
# libraries").  Fails when
#   - a script of tools/testing/vm/tests/ defines a function that a library
#     it sources (tools/testing/vm/lib.sh, tests/*_lib.inc) also defines, or
#     copies one of a library it does not source (same name and body),
#   - two libraries define the same function,
#   - two scripts define the same function: the same name and the same body
#     (at least 85% alike after stripping indentation; a script's own check
#     functions often share a name such as "load" or "unload" with other
#     scripts' and differ, which is fine).
# Prints one line per copy and a summary line; exit status 1 on a copy.
"""Find shell helpers defined in more than one of the VM test files."""

import difflib
import itertools
import os
import re
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
VM = os.path.join(REPO, 'tools', 'testing', 'vm')
TESTS = os.path.join(VM, 'tests')
ALIKE = 0.85

FUNC = re.compile(r'^(\s*)([A-Za-z_][A-Za-z0-9_]*)\s*\(\)\s*(.*)$')
SOURCE = re.compile(r'^\s*(?:\.|source)\s+"?\S*?([A-Za-z0-9_.-]+)"?\s*$')


def scan(path):
    """Return ({function: (line, body)}, {basenames sourced})."""
    with open(path, encoding='utf-8', errors='replace') as f:
        lines = f.read().splitlines()
    funcs, sourced = {}, set()
    for i, line in enumerate(lines):
        m = SOURCE.match(line)
        if m:
            sourced.add(m.group(1))
        m = FUNC.match(line)
        if not m or m.group(2) in funcs:
            continue
        indent, rest = m.group(1), m.group(3).split('#')[0].strip()
        if rest not in ('{', ''):
            body = rest                       # name() { ...; } on one line
        else:
            end = re.compile('^' + indent + r'\}\s*$')
            body = []
            for nxt in lines[i + 1:]:
                if end.match(nxt):
                    break
                body.append(nxt.strip())
            body = '\n'.join(body)
        funcs[m.group(2)] = (i + 1, body)
    return funcs, sourced


def alike(body1, body2):
    """Whether two function bodies are copies of each other."""
    return difflib.SequenceMatcher(None, body1, body2).ratio() >= ALIKE


def main():
    rel = lambda p: os.path.relpath(p, REPO)
    libs = {'lib.sh': os.path.join(VM, 'lib.sh')}
    for name in sorted(os.listdir(TESTS)):
        if name.endswith('_lib.inc'):
            libs[name] = os.path.join(TESTS, name)
    scripts = {n: os.path.join(TESTS, n)
               for n in sorted(os.listdir(TESTS)) if n.endswith('.sh')}
    lib_funcs = {name: scan(path)[0] for name, path in libs.items()}
    copies = []

    owner = {}
    for name, funcs in lib_funcs.items():
        for fn, (line, _) in funcs.items():
            if fn in owner:
                copies.append(f'{rel(libs[name])}:{line}: {fn}() also in '
                              f'{rel(libs[owner[fn]])}')
            else:
                owner[fn] = name

    defs = {}
    for script, path in scripts.items():
        funcs, sourced = scan(path)
        for fn, (line, body) in funcs.items():
            for lib in sorted(libs):
                if fn not in lib_funcs[lib]:
                    continue
                if lib in sourced:
                    copies.append(f'{rel(path)}:{line}: {fn}() redefines '
                                  f'the helper of {rel(libs[lib])}')
                elif alike(body, lib_funcs[lib][fn][1]):
                    copies.append(f'{rel(path)}:{line}: {fn}() copies the '
                                  f'helper of {rel(libs[lib])}: source it')
            defs.setdefault(fn, []).append((script, line, body))
    for fn, where in sorted(defs.items()):
        for (s1, l1, b1), (s2, l2, b2) in itertools.combinations(where, 2):
            if alike(b1, b2):
                copies.append(f'{rel(scripts[s2])}:{l2}: {fn}() copies '
                              f'{s1}:{l1}: move it into a library')

    for c in copies:
        print(c)
    print(f'helper-copies: {len(scripts)} scripts, {len(libs)} libraries, '
          f'{len(copies)} copies')
    return 1 if copies else 0


if __name__ == '__main__':
    sys.exit(main())
