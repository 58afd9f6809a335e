"""The benchmark's modules import each other one way (bench/README.md, "Files"): no cycle, the report reads only
the shared settings, and every phase run.py lists is a module with a run(context) function."""

import ast

from safe_harbour.settings import PROJECT_ROOT

BENCH = PROJECT_ROOT / "bench"


def bench_imports() -> dict[str, set[str]]:
    """For each module of bench/, the other bench/ modules it imports (anywhere in the file)."""
    modules = {path.stem: path for path in BENCH.glob("*.py")}
    graph = {}
    for name, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
        graph[name] = imported & set(modules) - {name}
    return graph


def test_no_import_cycle_in_bench():
    graph, done, path = bench_imports(), set(), []

    def visit(module: str) -> None:
        assert module not in path, f"import cycle: {' -> '.join(path[path.index(module) :] + [module])}"
        if module in done:
            return
        path.append(module)
        for imported in sorted(graph[module]):
            visit(imported)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_the_report_and_settings_stand_alone():
    graph = bench_imports()
    assert graph["report"] <= {"settings"}
    assert graph["settings"] == set()
    assert not any("run" in imported for name, imported in graph.items() if name != "run"), "nothing imports run.py"


def test_every_phase_is_a_module_with_run():
    tree = ast.parse((BENCH / "run.py").read_text(encoding="utf-8"))
    phases = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PHASES"
    )
    assert phases == list(dict.fromkeys(phases)), "each phase once"
    on_disk = {path.stem[len("phase_") :] for path in BENCH.glob("phase_*.py")}
    assert set(phases) == on_disk
    for phase in phases:
        module = ast.parse((BENCH / f"phase_{phase}.py").read_text(encoding="utf-8"))
        assert any(isinstance(node, ast.FunctionDef) and node.name == "run" for node in module.body), phase


def test_the_bench_starts_servers_only_through_the_launcher():
    """The servers the bench measures are started by safe_harbour.launcher.Layout, with the launch checks
    production runs; only training.py starts a long-running process itself (`rasa train`)."""
    for path in BENCH.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        spawns = [
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "Popen" and path.stem != "training"
        ]
        assert not spawns, f"bench/{path.name}:{spawns[0]} starts a process itself; use stack.Stack (the launcher)"
    stack = ast.parse((BENCH / "stack.py").read_text(encoding="utf-8"))
    assert any(isinstance(node, ast.ImportFrom) and node.module == "safe_harbour.launcher" for node in stack.body), (
        "bench/stack.py starts its servers through safe_harbour.launcher"
    )
