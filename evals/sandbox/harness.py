"""Child side of the sandbox: limits, privileges, guard, then the solution and its tests.

Run as `python -I -S harness.py` in an empty work dir by evals/sandbox/run.py; stdlib only. It
reads its settings (and a nonce) from stdin before any model-written code exists in the process,
applies resource limits, drops root to `nobody`, installs an audit hook that refuses network
sockets, process creation and writes outside the work dir, then imports `solution.py` and runs
the `test_*` functions of `tests.py`. Only after the tests does it write the sentinel line
`<nonce> <json>` on a private copy of stdout: a solution that exits (even with code 0) before
the tests finish leaves no sentinel, and the parent counts that as a failure.
"""

import contextlib
import json
import os
import resource
import sys
import traceback

NOBODY = 65534
PROCESS_EVENTS = {
    "os.fork",
    "os.forkpty",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.system",
    "os.startfile",
    "subprocess.Popen",
    "os.kill",
    "os.killpg",
    "pty.spawn",
    "ctypes.dlopen",
}
PATH_WRITE_EVENTS = {
    "os.remove",
    "os.rename",
    "os.mkdir",
    "os.rmdir",
    "os.chmod",
    "os.chown",
    "os.symlink",
    "os.link",
    "os.truncate",
    "os.utime",
    "shutil.rmtree",
}
SOCKET_EVENTS = ("socket.__new__", "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg")
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def set_limits(limits, dropping):
    """Memory, CPU, file size, open files, no core dumps; processes only for the `nobody` user
    (root ignores RLIMIT_NPROC, and a normal user's count includes all their other processes)."""
    cpu = int(limits["cpu_s"])
    pairs = [
        (resource.RLIMIT_AS, limits["memory_mb"] * 2**20),
        (resource.RLIMIT_CPU, cpu, cpu + 1),
        (resource.RLIMIT_FSIZE, limits["file_mb"] * 2**20),
        (resource.RLIMIT_NOFILE, limits["open_files"]),
        (resource.RLIMIT_CORE, 0),
    ]
    if dropping:
        pairs.append((resource.RLIMIT_NPROC, limits["processes"]))
    for kind, soft, *hard in pairs:
        resource.setrlimit(kind, (soft, hard[0] if hard else soft))


def drop_privileges():
    if os.geteuid() != 0:
        return False
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)
    return True


def install_guard(workdir):
    """An audit hook cannot be removed once added: the last in-process line of defence."""
    import socket

    inside = workdir.rstrip(os.sep) + os.sep
    readable = [inside, f"/proc/{os.getpid()}/", "/dev/null", "/dev/urandom", "/dev/zero"]
    readable += [p.rstrip(os.sep) + os.sep for p in {sys.base_prefix, sys.base_exec_prefix, "/usr/lib"}]
    readable += [os.path.dirname(os.__file__) + os.sep, "/usr/share/zoneinfo/", "/etc/localtime"]
    network = {socket.AF_INET, socket.AF_INET6}
    for name in ("AF_PACKET", "AF_NETLINK"):
        if hasattr(socket, name):
            network.add(getattr(socket, name))

    def real(path):
        return os.path.realpath(os.fsdecode(path))

    def is_in(path, prefixes):
        target = real(path)
        return any(target == p.rstrip(os.sep) or target.startswith(p) for p in prefixes)

    def hook(event, args):
        if event == "open":
            path, mode, flags = args
            if isinstance(path, int) or path is None:
                return
            writing = any(c in (mode or "") for c in "wax+") or bool((flags or 0) & WRITE_FLAGS)
            if writing and not is_in(path, [inside]):
                raise PermissionError(f"sandbox: no writing outside the work dir ({path})")
            if not writing and not is_in(path, readable):
                raise PermissionError(f"sandbox: no reading outside the work dir and stdlib ({path})")
        elif event in PATH_WRITE_EVENTS:
            for path in args:
                if isinstance(path, str | bytes) and not is_in(path, [inside]):
                    raise PermissionError(f"sandbox: {event} outside the work dir ({path})")
        elif event in PROCESS_EVENTS:
            raise PermissionError(f"sandbox: {event} is not allowed")
        elif event in SOCKET_EVENTS and _family(event, args) in network:
            raise PermissionError("sandbox: no network")

    sys.addaudithook(hook)


def _family(event, args):
    """socket.__new__ passes (sock, family, type, proto); the others pass the socket first."""
    return args[1] if event == "socket.__new__" else getattr(args[0], "family", None)


def last_line(exc):
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[-500:]


def run_tests(tests_source):
    """Import the solution, then call each test function of tests.py; failures are data."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("solution", "solution.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["solution"] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # SystemExit is not caught: exiting early leaves no sentinel
        return {"status": "code_error", "passed": 0, "failed": 0, "detail": last_line(exc)}
    namespace = dict(vars(module))
    namespace["__name__"] = "tests"
    try:
        exec(compile(tests_source, "tests.py", "exec"), namespace)
    except Exception as exc:  # a module-level assert in the tests failed
        return {"status": "failed", "passed": 0, "failed": 1, "detail": last_line(exc)}
    tests = [
        (name, fn)
        for name, fn in list(namespace.items())
        if name.startswith("test") and getattr(getattr(fn, "__code__", None), "co_filename", "") == "tests.py"
    ]
    passed, failures = 0, []
    for name, fn in tests:
        try:
            fn()
            passed += 1
        except Exception as exc:
            failures.append(f"{name}: {last_line(exc)}")
    if not tests:
        passed = 1  # module-level asserts only, and they held
    detail = "; ".join(failures)[:1000]
    return {
        "status": "failed" if failures else "passed",
        "passed": passed,
        "failed": len(failures),
        "detail": detail,
    }


def main():
    config = json.loads(sys.stdin.readline())
    sys.stdin.close()
    dumps, write, flush, exit_now = json.dumps, os.write, sys.stdout.flush, os._exit  # before any model code
    nonce = config["nonce"]
    with open("tests.py", encoding="utf-8") as fh:
        tests_source = fh.read()
    report = os.dup(1)
    dropping = os.geteuid() == 0 and config["drop_privileges"]
    set_limits(config["limits"], dropping)
    if dropping:
        drop_privileges()
    if config["guard"]:
        install_guard(os.path.realpath(os.getcwd()))
    del config
    outcome = run_tests(tests_source)
    with contextlib.suppress(Exception):
        flush()
    write(report, f"\n{nonce} {dumps(outcome)}\n".encode())
    exit_now(0)


if __name__ == "__main__":
    main()
