#!/usr/bin/env python3
"""Lists import cycles between the crate's modules (files), so that data types
stay in data modules and no two modules need each other.

A module's edges are the `crate::...`, `super::...` and `self::...` paths its
file names outside test code, resolved to the deepest module that exists.
Child modules count as part of their parent only through the paths they
name. Prints each strongly connected component of more than one module;
exits 1 if there is any.

    scripts/module-cycles.py            # from the repository root
"""
import os
import re
import sys

ROOT = "src"


def module_of(path):
    rel = os.path.relpath(path, ROOT)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib"):
        rel = rel[:-1]
    return tuple(rel)


def main():
    files = {}
    for dirpath, _, names in os.walk(ROOT):
        for name in names:
            if name.endswith(".rs") and name != "main.rs":
                path = os.path.join(dirpath, name)
                mod = module_of(path)
                if mod and mod[-1] == "tests":
                    continue
                files[mod] = path
    modules = set(files)
    edges = {m: set() for m in modules}
    path_re = re.compile(r"\b((?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+)")
    for mod, path in files.items():
        text = open(path, encoding="utf-8").read()
        # Inline test modules are test code: stop at the first one.
        cut = re.search(r"#\[cfg\(test\)\]\s*mod tests\s*\{", text)
        if cut:
            text = text[: cut.start()]
        text = re.sub(r"//.*", "", text)
        is_dir_module = os.path.basename(path) == "mod.rs" or path == os.path.join(ROOT, "lib.rs")
        for m in path_re.finditer(text):
            parts = m.group(1).split("::")
            if parts[0] == "crate":
                base, rest = (), parts[1:]
            else:
                base = mod if is_dir_module else mod[:-1]
                rest = parts
                while rest and rest[0] in ("super", "self"):
                    if rest[0] == "super":
                        base = base[:-1]
                    rest = rest[1:]
            target = None
            for i in range(len(rest), 0, -1):
                candidate = base + tuple(rest[:i])
                if candidate in modules:
                    target = candidate
                    break
            if target and target != mod and not mod[: len(target)] == target:
                # A child naming its parent's items, or a parent its child's,
                # is one module's inside; only count siblings and strangers.
                if target[: len(mod)] == mod:
                    continue
                edges[mod].add(target)
    # Tarjan's strongly connected components.
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(modules):
        if v not in index:
            strong(v)
    for comp in comps:
        names = sorted("::".join(m) for m in comp)
        print("cycle:", ", ".join(names))
        for a in sorted(comp):
            for b in sorted(edges[a] & set(comp)):
                print(f"  {'::'.join(a)} -> {'::'.join(b)}")
    print(f"{len(modules)} modules, {sum(len(e) for e in edges.values())} edges, {len(comps)} cycles")
    return 1 if comps else 0


if __name__ == "__main__":
    sys.exit(main())
