#!/usr/bin/env python3
"""The layer rule of the source tree (README, "Source layout"), checked.

Prints one "ok - ..." or "not ok - ..." line per rule (tests/run.sh counts
them) and the offending lines under a failure:

  1. includes point down the layers, never up: base <- families <- engine
     <- tool (src/cmd/); a family's members (src/read/, src/provider/) are
     reached from outside their folder only through the family's header
     (include/reader.h, include/provider.h), and never from the other family;
  2. no cycle among the modules (a module is a header and its source: A
     depends on B when A's header or source includes B's header);
  3. no log_* call outside the tool: the library reports through hooks;
  4. no provider named outside src/provider/: the core asks the table.
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The library's modules by layer; a module is a header's or source's base
# name. The families' members and the tool are placed by their folder.
BASE = """buf err str text quote optval taglist phone phonefast phonemeta lpn sorter outfile lockfile
csvout xlsxout pipeline ratelimit http store rec contact profile change
exitcode duration hook country ratehdr limit""".split()
# The families' headers for the core (row: what every reader gives).
FAMILY = "reader provider row".split()
# A family's folder and the module its toolkit headers belong to.
FAMILY_HOME = {"read": "reader", "provider": "provider"}
LAYER_NAMES = ["base", "family", "engine", "tool"]

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def files():
    for root in ("include", "src"):
        for d, _, names in os.walk(os.path.join(TOP, root)):
            for n in sorted(names):
                if n.endswith((".c", ".h", ".cc")):
                    yield os.path.relpath(os.path.join(d, n), TOP)


def resolve(path, name):
    """Where "name" included from path is, as the compiler finds it."""
    for cand in (os.path.join(os.path.dirname(path), name),
                 os.path.join("include", name), os.path.join("src", name)):
        if os.path.exists(os.path.join(TOP, cand)):
            return os.path.normpath(cand)
    return None


def module(path):
    """A module's name: its base name; the tool's as cmd/NAME (src/cmd/push.c
    is the command, not the engine's push)."""
    base = os.path.splitext(os.path.basename(path))[0]
    parts = path.split(os.sep)
    if parts[:2] == ["src", "cmd"]:
        return "cmd/" + base
    if (len(parts) == 3 and parts[0] == "src" and path.endswith(".h")
            and parts[1] in FAMILY_HOME
            and not os.path.exists(os.path.join(TOP, path[:-2] + ".c"))):
        return FAMILY_HOME[parts[1]]  # a family's toolkit: part of it
    return split_part(path, base)


def split_part(path, base):
    """A module split into files keeps one name: push_send.c (no header of
    its own) and push_int.h (its files' private header) are push."""
    if "_" not in base:
        return base
    prefix = base.split("_")[0]
    d = os.path.dirname(path)
    own = [os.path.join("include", base + ".h")]  # a public header: a module
    mine = [os.path.join(d, prefix + ".h"), os.path.join("include", prefix + ".h")]
    if base.endswith("_int") or (
            not any(os.path.exists(os.path.join(TOP, h)) for h in own)
            and any(os.path.exists(os.path.join(TOP, h)) for h in mine)):
        return prefix
    return base


HOME = {}  # module -> the folder of src/ its source is in (None: src/ itself)


def folder(path):
    """The folder of src/ a file's module lives in: a header in include/
    belongs where its source is."""
    parts = path.split(os.sep)
    if parts[0] == "src":
        return parts[1] if len(parts) > 2 else None
    return HOME.get(module(path))


def layer(path):
    f = folder(path)
    if f == "cmd":
        return 3
    if f in ("read", "provider"):
        return 1
    mod = module(path)
    if mod in BASE:
        return 0
    if mod in FAMILY:
        return 1
    return 2


def check_layers(graph):
    bad = []
    for src, deps in sorted(graph.items()):
        for line, dst in deps:
            fs, fd = folder(src), folder(dst)
            if module(src) == module(dst):
                continue
            if layer(dst) > layer(src):
                bad.append("%s:%d includes %s (%s layer from the %s layer)" % (
                    src, line, dst, LAYER_NAMES[layer(dst)], LAYER_NAMES[layer(src)]))
            elif fd in ("read", "provider") and fs != fd and module(dst) not in FAMILY:
                bad.append("%s:%d includes %s, a member of src/%s/ (use the family's header)"
                           % (src, line, dst, fd))
    return bad


def check_cycles(graph):
    headers = {}
    for p, deps in graph.items():
        headers.setdefault(module(p), set()).update(
            module(d) for _, d in deps if module(d) != module(p))
    headers = {m: sorted(d) for m, d in headers.items()}
    bad, state = [], {}

    def visit(h, stack):
        state[h] = 1
        stack.append(h)
        for d in headers.get(h, []):
            if state.get(d) == 1:
                bad.append(" -> ".join(stack[stack.index(d):] + [d]))
            elif d not in state:
                visit(d, stack)
        stack.pop()
        state[h] = 2

    for h in sorted(headers):
        if h not in state:
            visit(h, [])
    return bad


def grep(pattern, keep):
    rx, bad = re.compile(pattern), []
    for p in files():
        if not keep(p):
            continue
        with open(os.path.join(TOP, p), encoding="utf-8") as f:
            for i, line in enumerate(f, 1):
                code = line.split("//")[0]
                if rx.search(code) and not code.lstrip().startswith(("*", "/*")):
                    bad.append("%s:%d: %s" % (p, i, line.strip()))
    return bad


def main():
    for p in files():
        if p.startswith("src") and not p.endswith(".h") and folder(p) != "cmd":
            HOME[module(p)] = folder(p)
    graph = {}
    for p in files():
        deps = []
        with open(os.path.join(TOP, p), encoding="utf-8") as f:
            for i, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if m:
                    r = resolve(p, m.group(1))
                    if r and r != p:
                        deps.append((i, r))
        graph[p] = deps
    checks = [
        ("includes point down the layers", check_layers(graph)),
        ("no cycle among the modules", check_cycles(graph)),
        ("no log_* call outside src/cmd/",
         grep(r"\blog_(msg|error|warn|info|debug|progress|event)\w*\s*\(",
              lambda p: folder(p) != "cmd")),
        ("no provider named outside src/provider/",
         grep(r'str(case)?cmp\s*\(.*"(altum|atom|sendblue)"',
              lambda p: folder(p) != "provider")),
    ]
    failed = 0
    for name, bad in checks:
        if bad:
            failed += 1
            print("not ok - %s" % name)
            for b in bad:
                print("#   %s" % b)
        else:
            print("ok - %s" % name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
