#!/usr/bin/env python3
"""make mutate: applies each mutation of scripts/mutations.txt to the product code, one at a time, builds,
runs the tests that should catch it, and always puts the file back (also on Ctrl-C or a failed build).
Prints caught / survived / error per mutation and a total; exits 1 unless every mutation was caught.

A mutation whose find string does not occur exactly once, that does not compile, or whose tests fail
without it (each filter is run once unmutated first) is an error: it proves nothing, so it is never
counted as caught.

  scripts/mutate.py [--list] [--only N[,N…]] [--swift swift]"""
import argparse, os, signal, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse(path):
    mutations, block = [], {}
    for line in open(path, encoding="utf-8").read().split("\n") + [""]:
        if line.startswith("#"):
            continue
        if not line.strip():
            if block:
                missing = {"name", "file", "find", "replace", "filter"} - block.keys()
                if missing:
                    sys.exit(f"mutations.txt: '{block.get('name', '?')}' lacks {', '.join(sorted(missing))}")
                mutations.append(block)
                block = {}
            continue
        key, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        block[key.strip()] = value.replace("\\n", "\n") if key.strip() in ("find", "replace") else value
    return mutations


class Restore:
    """Puts the original text back however the run ends."""
    def __init__(self, path, text):
        self.path, self.text = path, text

    def __enter__(self):
        self.previous = {sig: signal.signal(sig, self.interrupted) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        return self

    def interrupted(self, number, frame):
        self.restore()
        print(f"\ninterrupted: {os.path.relpath(self.path, ROOT)} restored", flush=True)
        sys.exit(130)

    def restore(self):
        with open(self.path, "w", encoding="utf-8") as handle:
            handle.write(self.text)

    def __exit__(self, *exc):
        self.restore()
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        return False


# A mutation can make a test loop for ever; past this the run is stopped and the mutation counts as
# caught, as the suites' own time limits would count it (a hang is a failure, not a pass).
HANG_SECONDS = 600


def run(command, log):
    """The command's exit status; None when it ran past HANG_SECONDS (it and its children are killed)."""
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            return process.wait(timeout=HANG_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true", help="list the mutations and check their find strings")
    parser.add_argument("--only", help="comma-separated numbers (1-based) to run")
    parser.add_argument("--swift", default=os.environ.get("SWIFT", "swift"))
    args = parser.parse_args()
    mutations = parse(os.path.join(ROOT, "scripts", "mutations.txt"))
    chosen = set(int(n) for n in args.only.split(",")) if args.only else None
    logs = os.path.join(ROOT, ".build", "mutate")
    os.makedirs(logs, exist_ok=True)
    results = {"caught": 0, "survived": 0, "error": 0}
    # A filter that fails without any mutation would count every mutation as caught: each must pass first.
    failing = set()
    if not args.list:
        if run([args.swift, "build", "--build-tests"], os.path.join(logs, "baseline.build.log")) != 0:
            sys.exit("the unmutated sources do not build (see .build/mutate/baseline.build.log)")
        for index, filter in enumerate(sorted({m["filter"] for n, m in enumerate(mutations, 1) if not chosen or n in chosen})):
            log = os.path.join(logs, f"baseline-{index:02}.test.log")
            if run([args.swift, "test", "--skip-build", "--no-parallel", "--filter", filter], log) != 0:
                print(f"baseline: [{filter}] fails without a mutation (see {os.path.relpath(log, ROOT)})", flush=True)
                failing.add(filter)
    for number, mutation in enumerate(mutations, 1):
        if chosen and number not in chosen:
            continue
        if mutation["filter"] in failing:
            print(f"ERROR    {number:2}. {mutation['name']}: its tests fail without it", flush=True)
            results["error"] += 1
            continue
        path = os.path.join(ROOT, mutation["file"])
        label = f"{number:2}. {mutation['name']} ({mutation['file']})"
        try:
            text = open(path, encoding="utf-8").read()
        except OSError as error:
            print(f"ERROR    {label}: {error.strerror}", flush=True)
            results["error"] += 1
            continue
        occurrences = text.count(mutation["find"])
        if occurrences != 1:
            print(f"ERROR    {label}: the find string occurs {occurrences} times, not once", flush=True)
            results["error"] += 1
            continue
        if args.list:
            print(f"ok       {label}  [{mutation['filter']}]")
            continue
        started = time.time()
        log = os.path.join(logs, f"{number:02}")
        with Restore(path, text):
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text.replace(mutation["find"], mutation["replace"]))
            if run([args.swift, "build", "--build-tests"], log + ".build.log") != 0:
                verdict = "ERROR"
                detail = f"does not compile (see {os.path.relpath(log, ROOT)}.build.log)"
            else:
                status = run([args.swift, "test", "--skip-build", "--no-parallel", "--filter", mutation["filter"]], log + ".test.log")
                verdict = "caught" if status != 0 else "SURVIVED"
                detail = f"[{mutation['filter']}]" + (f" (hung past {HANG_SECONDS} s)" if status is None else "")
        results["error" if verdict == "ERROR" else verdict.lower()] += 1
        print(f"{verdict:8} {label} {detail} {time.time() - started:.0f} s", flush=True)
    if args.list:
        return 1 if results["error"] else 0
    # Leave the build matching the restored sources.
    run([args.swift, "build", "--build-tests"], os.path.join(logs, "restore.build.log"))
    total = sum(results.values())
    print(f"\n{results['caught']} of {total} mutations caught, {results['survived']} survived, {results['error']} errors")
    return 0 if results["caught"] == total else 1


if __name__ == "__main__":
    sys.exit(main())
