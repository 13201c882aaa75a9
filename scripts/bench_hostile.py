"""Time and measure what hostile files and servers cost `kb check`, the build and `kb links`.

    python scripts/bench_hostile.py [--cases slugs,bomb,loop,environ,drip] [--kb-path DIR]

Each case writes a small bilingual site (the hostile-test harness's) plus one payload into a
temporary folder and runs the commands it concerns as subprocesses capped like the tests
(3 GB of address space, `--timeout` seconds), printing wall time, peak memory (max RSS),
exit status and what happened:

- `slugs`: an English and a Japanese article with 20,000 equal `##` headings each;
- `bomb`: a nine-level YAML alias bomb in `description: *i` (9⁹ strings once expanded);
- `loop`: two symlink loops in docs/ (`a -> .`, `payments/b -> ..`);
- `environ`: `docs/en/assets/env.txt -> /proc/self/environ` (is it in site/?);
- `drip`: `kb links --external` on one link to a local server that sends a header line every
  1.5 s and never ends its headers (defaults: 10 s time-out per read, 30 s deadline).

`--kb-path DIR` runs another copy of kb (a folder holding the `kb` package, e.g. main's
`plugins/` from `git archive`), for before/after figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

MEMORY_CAP = 3 * 1024**3


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> str:
    """Run a capped subprocess; return `wall s, peak MB, exit status` and a note."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP)),
        )
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - started
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    if elapsed >= timeout:
        note = f"killed after {timeout:g} s"
    elif "MemoryError" in text:
        note = "MemoryError"
    elif "Traceback" in text:
        note = "traceback: " + text.strip().splitlines()[-1][:100]
    else:
        lines = [line for line in text.splitlines() if "KB3" in line or "Error" in line]
        note = (lines[0] if lines else text.strip().splitlines()[-1] if text.strip() else "")[:140]
    peak = usage.ru_maxrss / 1024
    return f"{elapsed:7.2f} s {peak:8.1f} MB  exit {process.returncode:3d}  {note}"


def site(root: Path, files: dict[str, str]) -> Path:
    from hostile.conftest import write_site

    root.mkdir(parents=True)
    write_site(root, files)
    return root


def drip_server() -> tuple[str, threading.Event]:
    """A server that sends a status line, then a header line every 1.5 s, forever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            connection, _ = listener.accept()
            threading.Thread(target=drip, args=(connection,), daemon=True).start()

    def drip(connection: socket.socket) -> None:
        with connection:
            try:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\n")
                for line in range(10_000):
                    if stop.wait(1.5):
                        return
                    connection.sendall(f"X-Drip-{line}: 1\r\n".encode())
            except OSError:
                return

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/slow", stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="slugs,bomb,loop,environ,drip")
    parser.add_argument("--kb-path", type=Path, help="folder holding another kb package")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1", "CI": "true"}
    if args.kb_path is not None:
        env["PYTHONPATH"] = str(args.kb_path.resolve())
    kb = [sys.executable, "-m", "kb.cli"]
    build = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    cases = args.cases.split(",")
    print(f"kb from {args.kb_path or 'this checkout'}")
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        if "slugs" in cases:
            heading = "## Fees\n\n" * 20_000  # 180 KB: under kb's 256 KB limit
            ja = "## 料金\n\n" * 20_000
            root = site(
                tmp / "slugs",
                {
                    "docs/en/payments/fees.md": "---\ntitle: Fees\nproducts: [payments]\n"
                    f"---\n\n{heading}",
                    "docs/ja/payments/fees.md": "---\ntitle: 手数料\nproducts: [payments]\n"
                    f"---\n\n{ja}",
                },
            )
            print("slugs   kb check           ", run([*kb, "check"], root, env, args.timeout))
        if "bomb" in cases:
            from hostile.conftest import alias_bomb

            text = f"---\ntitle: Bomb\nproducts: [payments]\n{alias_bomb()}---\n\n# Bomb\n"
            root = site(tmp / "bomb", {"docs/en/payments/bomb.md": text})
            print("bomb    kb check           ", run([*kb, "check"], root, env, args.timeout))
            print("bomb    mkdocs build       ", run(build, root, env, args.timeout))
            start = [*kb, "start-translation", "docs/en/payments/bomb.md"]
            print("bomb    start-translation  ", run(start, root, env, args.timeout))
        if "loop" in cases:
            root = site(tmp / "loop", {})
            os.symlink(".", root / "docs/en/a")
            os.symlink("..", root / "docs/en/payments/b")
            print("loop    kb check           ", run([*kb, "check"], root, env, args.timeout))
            print("loop    mkdocs build       ", run(build, root, env, args.timeout))
        if "environ" in cases:
            root = site(tmp / "environ", {})
            os.symlink("/proc/self/environ", root / "docs/en/env.txt")
            plain = [sys.executable, "-m", "mkdocs", "build"]
            print("environ mkdocs build       ", run(plain, root, env, args.timeout))
            published = (root / "site/env.txt").exists()
            print(f"environ site/env.txt published: {'yes' if published else 'no'}")
        if "drip" in cases:
            url, stop = drip_server()
            root = site(tmp / "drip", {})
            page = root / "site-drip/index.html"
            page.parent.mkdir()
            page.write_text(f'<!doctype html><html lang="en"><a href="{url}">x</a></html>')
            (root / "site-drip/ja").mkdir()
            command = [*kb, "links", "site-drip", "--external", "--retries", "0", "--no-cache"]
            print("drip    kb links --external", run(command, root, env, args.timeout))
            stop.set()


if __name__ == "__main__":
    main()
