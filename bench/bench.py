"""make bench: the course's speed against the first edition's Gluon pipeline, in one run.

1. data: one pass over the 60000 training images at batch 256, d2l_utils' loader
   against Gluon FashionMNIST + ToTensor + DataLoader (0 and 2 workers), with the
   decode time and the loader's peak RSS (bench/data_pipeline.py);
2. softmax regression, 10 epochs, batch 256, lr 0.1, end to end (training pass +
   test evaluation each epoch): (a) the first edition as d2lzh wrote it, (b) the
   course's train_ch3 with the scratch net, (c) the course's hybridized Gluon net;
3. the MLP 784-256-10, Gluon, lr 0.5, 10 epochs; the same MLP from scratch
   (chapter 06) and the source material's 784-300-100-10 (Gluon, chapter 07);
4. the compute bound: measured GFLOP/s of the batch's matrix product and the
   fastest an epoch could be if only the products cost time;
5. MXNet settings (engine, OpenMP threads, worker threads), each in a subprocess;
6. a sweep of 8 softmax trainings of 10 epochs (chapter 05's path, ``d2l.sweep``)
   against the same 8 the first edition's way, as a ratio (bench/sweep.py).
7. chapter 08's MLP 784-128-10: our NumPy backward against MXNet scratch and Gluon
   (bench/numpy_mlp.py, also runnable alone).
8. chapter 09's augmentation: the MLP 784-256-10 with and without per-batch random
   shifts and flips, as a ratio (bench/augmentation.py, also runnable alone).

Contenders alternate (each round in a rotated order) and medians are reported.
Writes bench/results/bench-<UTC time>.json and prints the table and the targets.
Takes about 3.5 minutes on 2 idle cores; ``--quick`` is a smoke test (under a
minute, numbers too few to judge by); the sweep adds about 3 minutes, most of it the
first edition's side (``--no-sweep`` skips it, ``--only-sweep`` runs nothing else).
"""

import argparse
import os
import sys
import time
from pathlib import Path

import augmentation
import compute_bound
import data_pipeline
import mxnet_settings
import numpy_mlp
import report
import sweep
import training

from d2l_utils.data import load_fashion_mnist_arrays

LABELS = {
    "a": "(a) first edition: DataLoader({}w)+ToTensor, asscalar/batch",
    "b": "(b) course train_ch3 + loader, scratch net",
    "c": "(c) course train_ch3 + loader, Gluon Dense(10) hybridized",
    "mlp": "MLP 784-256-10 ReLU, Gluon hybridized, lr 0.5",
    "mlp scratch": "MLP 784-256-10 ReLU from scratch (nd, train_ch3), lr 0.5",
    "mlp deep": "MLP 784-300-100-10 ReLU, Gluon hybridized, lr 0.5",
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: fewer repeats and epochs (about a minute)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="training rounds; (b), (c) and the MLP run once per round")
    parser.add_argument("--a-runs", type=int, default=2, help="runs of the slow contender (a)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--a-workers", type=int, default=training.D2LZH_WORKERS,
                        help="DataLoader workers for (a) (d2lzh uses 4)")
    parser.add_argument("--no-settings", action="store_true",
                        help="skip the MXNet settings subprocesses")
    parser.add_argument("--no-numpy", action="store_true",
                        help="skip chapter 08's NumPy vs MXNet MLP comparison")
    parser.add_argument("--no-augment", action="store_true",
                        help="skip chapter 09's augmentation cost line")
    parser.add_argument("--no-sweep", action="store_true",
                        help="skip the sweep line (8 trainings each way)")
    parser.add_argument("--only-sweep", action="store_true",
                        help="run only the sweep line (about 3 minutes)")
    parser.add_argument("--strict", action="store_true",
                        help="exit with status 1 when a target fails")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.a_runs, args.epochs = 1, 1, 2
    if min(args.rounds, args.a_runs, args.epochs) < 1 or args.a_runs > args.rounds:
        parser.error("--rounds, --a-runs and --epochs must be >= 1 and --a-runs <= --rounds")
    if args.no_sweep and args.only_sweep:
        parser.error("--no-sweep and --only-sweep exclude each other")
    if args.a_workers < 0:
        parser.error(f"--a-workers must be >= 0, got {args.a_workers}")
    return args


def train_all(args):
    """Every training run, alternating; {contender: [run results]}."""
    arrays = load_fashion_mnist_arrays()
    loaders = training.course_loaders()
    gluon_loaders = training.first_edition_loaders(arrays, num_workers=args.a_workers)
    runs = {
        "a": lambda: training.first_edition(gluon_loaders, args.epochs),
        "b": lambda: training.course_scratch(loaders, args.epochs),
        "c": lambda: training.course_gluon(loaders, args.epochs),
        "mlp": lambda: training.course_gluon(loaders, args.epochs, hidden=(256,),
                                             lr=training.MLP_LR),
        "mlp scratch": lambda: training.course_mlp_scratch(loaders, args.epochs),
        "mlp deep": lambda: training.course_gluon(loaders, args.epochs, hidden=(300, 100),
                                                  lr=training.MLP_LR),
    }
    results = {name: [] for name in runs}
    for r, names in enumerate(report.schedule(args.rounds, args.a_runs, tuple(runs))):
        for name in names:
            start = time.perf_counter()
            results[name].append(runs[name]())
            print(f"  round {r + 1}: {name:<4}{time.perf_counter() - start:6.1f} s, "
                  f"test acc {results[name][-1]['test_acc']:.4f}", flush=True)
    return results


def sweep_section(args):
    """The sweep line: both sweeps, their summary and the printed line."""
    arrays = load_fashion_mnist_arrays()
    lrs = sweep.SWEEP_LRS[:2] if args.quick else sweep.SWEEP_LRS
    runs = sweep.measure(training.course_loaders(),
                         training.first_edition_loaders(arrays, num_workers=args.a_workers),
                         num_epochs=args.epochs, lrs=lrs)
    summary = report.summarize_sweep(runs["course"], runs["first_edition"])
    return {"summary": summary, "runs": runs}, report.format_sweep(summary, args.epochs)


def bound_section(gflops, train):
    """Compute-bound facts and lines: FLOPs counted, the bound, (b) and (c) against it."""
    out, lines = {"gflops": gflops}, []
    for key, layers in (("softmax", [784, 10]), ("mlp", [784, 256, 10]),
                        ("mlp deep", [784, 300, 100, 10])):
        flops = compute_bound.dense_flops(layers)
        width = layers[1]
        name, best = max(gflops[width].items(), key=lambda kv: kv[1])
        bound = compute_bound.lower_bound_seconds(flops["total"], best)
        out[key] = {"flops": flops, "gflops_used": best, "implementation": name,
                    "lower_bound_s": bound}
        rates = ", ".join(f"{k} {v:.1f}" for k, v in gflops[width].items())
        lines.append(f"(256x784)@(784x{width}) GFLOP/s: {rates}")
        against = {"softmax": ("b", "c"), "mlp": ("mlp", "mlp scratch")}.get(key, (key,))
        ratios = ", ".join(f"{k} {train[k]['epoch_s'] / bound:.1f}x" for k in against)
        out[key]["ratios"] = {k: train[k]["epoch_s"] / bound for k in against}
        lines.append(f"  {key} epoch {'-'.join(map(str, layers))}: {flops['total'] / 1e9:.2f} "
                     f"GFLOP (forward {flops['forward'] / 1e9:.2f}, backward "
                     f"{flops['backward'] / 1e9:.2f}) -> lower bound {bound * 1e3:.1f} ms at "
                     f"{best:.1f} GFLOP/s ({name}); measured/bound: {ratios}")
    return out, lines


def main(argv=None):
    args = parse_args(argv)
    start = time.perf_counter()
    facts = report.machine_facts()
    print(f"{facts['cpu_model']}, {facts['usable_cores']} cores, mxnet {facts['mxnet']}, "
          f"numpy {facts['numpy']}, load average {facts['load_average'][0]:.2f}; env "
          + (", ".join(f"{k}={v}" for k, v in facts["env"].items() if v) or "defaults"),
          flush=True)

    if args.only_sweep:
        print(f"sweep: {2 if args.quick else len(sweep.SWEEP_LRS)} learning rates, "
              f"{args.epochs} epochs, each way", flush=True)
        swept, line = sweep_section(args)
        print()
        print(line)
        path = report.write_json({"args": {k: str(v) if isinstance(v, Path) else v
                                           for k, v in vars(args).items()},
                                  "machine": facts, "sweep": swept,
                                  "wall_seconds": time.perf_counter() - start}, args.out)
        print(f"took {time.perf_counter() - start:.0f} s; results in {os.path.relpath(path)}")
        return 0

    print("[1/4] data pipeline", flush=True)
    data = data_pipeline.measure(repeats=2 if args.quick else 5)
    print(f"[2/4] training: {args.rounds} rounds of (b), (c), 3 MLPs; {args.a_runs} of (a); "
          f"{args.epochs} epochs each", flush=True)
    runs = train_all(args)
    train = {name: report.summarize_runs(r) for name, r in runs.items()}
    swept = sweep_line = None
    if not args.no_sweep:
        print(f"[2/4] sweep: {2 if args.quick else len(sweep.SWEEP_LRS)} learning rates, "
              f"{args.epochs} epochs, each way", flush=True)
        swept, sweep_line = sweep_section(args)
    print("[3/4] compute bound", flush=True)
    calls = 100 if args.quick else 500
    gflops = {w: compute_bound.matmul_gflops(d_out=w, calls=calls // (1 if w == 10 else 10))
              for w in (10, 256, 300)}
    bound, bound_lines = bound_section(gflops, train)
    settings = None
    if not args.no_settings:
        print("[4/4] MXNet settings, one subprocess each", flush=True)
        settings = mxnet_settings.measure(rounds=1 if args.quick else 3,
                                          epochs=2 if args.quick else 3)

    numpy_summary = None
    if not args.no_numpy:
        print("[+] chapter 08: NumPy vs MXNet, MLP 784-128-10", flush=True)
        numpy_summary = numpy_mlp.measure(rounds=1 if args.quick else 3,
                                          epochs=2 if args.quick else 3)

    augment_summary = None
    if not args.no_augment:
        print("[+] chapter 09: training with and without augmentation, MLP 784-256-10",
              flush=True)
        augment_summary = augmentation.measure(rounds=1 if args.quick else 3,
                                               epochs=2 if args.quick else 3)

    targets = report.check_targets(data, train)
    facts_end = report.machine_facts()
    print()
    print(data_pipeline.format_table(data))
    print()
    print(f"Training, batch 256, {args.epochs} epochs, seconds per epoch end to end "
          "(training pass + test evaluation); median over every epoch of every run")
    labels = dict(LABELS, a=LABELS["a"].format(args.a_workers))
    print("\n".join(report.format_training(train, labels)))
    if sweep_line:
        print(sweep_line)
    print()
    print("Compute bound: matrix products only (forward X@W for 60000 train + 10000 test "
          "images, weight gradient X^T@dY for the 60000 train images, input gradient for "
          "hidden layers; bias, softmax, loss and update not counted)")
    print("\n".join(bound_lines))
    if settings:
        print()
        rounds = len(next(iter(settings.values()))["b"])
        print(f"MXNet settings, each in its own subprocess: median s/epoch of {rounds} rounds; "
              "(x) = default/this, > 1 is faster;\n'+'/'-' = every round faster/slower than "
              "every default round, no mark = within the noise")
        print("\n".join(report.format_settings(settings, mxnet_settings.PROBE_CONTENDERS)))
    if numpy_summary:
        print()
        print(numpy_mlp.format_line(numpy_summary))
    if augment_summary:
        print(augmentation.format_line(augment_summary))
    print()
    print("Targets (2 cores)")
    print("\n".join(report.format_targets(targets)))
    wall = time.perf_counter() - start
    path = report.write_json({
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "machine": facts, "load_average_end": facts_end["load_average"],
        "data_pipeline": data, "training": {"summary": train, "runs": runs},
        "compute_bound": bound, "mxnet_settings": settings, "numpy_mlp": numpy_summary,
        "augmentation": augment_summary,
        "sweep": swept, "targets": targets,
        "wall_seconds": wall}, args.out)
    load = facts_end["load_average"][0]
    print(f"\nload average {facts['load_average'][0]:.2f} at start, {load:.2f} at end "
          f"(> {facts['usable_cores']} means other processes competed); took {wall:.0f} s; "
          f"results in {os.path.relpath(path)}")
    return 1 if args.strict and not all(t["passed"] for t in targets) else 0


if __name__ == "__main__":
    sys.exit(main())
