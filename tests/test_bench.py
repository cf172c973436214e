"""The benchmark's pure helpers: FLOP counts, run order, summaries, targets, JSON.

No timing is asserted here; bench/ measures, tests/ checks the arithmetic and
the bookkeeping around the measurements.
"""

import datetime
import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def load(name):
    """Import bench/<name>.py as bench_<name> (bench/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compute_bound = load("compute_bound")
report = load("report")
mxnet_settings = load("mxnet_settings")


# ----------------------------------------------------------------------------- FLOPs
def test_softmax_epoch_flops_count_forward_for_all_images_and_weight_gradient_for_training():
    flops = compute_bound.dense_flops([784, 10])
    assert flops["forward"] == 2 * 784 * 10 * 70000 == 1_097_600_000
    assert flops["backward"] == 2 * 784 * 10 * 60000 == 940_800_000  # dW only: X has no grad
    assert flops["total"] == 2_038_400_000


def test_mlp_flops_add_the_input_gradient_of_the_hidden_layers_only():
    flops = compute_bound.dense_flops([784, 256, 10], n_train=3, n_test=1)
    first, second = 2 * 784 * 256, 2 * 256 * 10
    assert flops["forward"] == (first + second) * 4
    assert flops["backward"] == (first + 2 * second) * 3
    assert flops["total"] == flops["forward"] + flops["backward"]


@pytest.mark.parametrize("layers", [[784], [], [784, 0], [784, 2.5], [True, 10]])
def test_dense_flops_rejects_bad_layer_widths(layers):
    with pytest.raises(ValueError, match="dense_flops: layers"):
        compute_bound.dense_flops(layers)


def test_lower_bound_is_flops_over_rate():
    assert compute_bound.lower_bound_seconds(2_038_400_000, 50.0) == pytest.approx(0.040768)
    with pytest.raises(ValueError, match="gflops must be > 0"):
        compute_bound.lower_bound_seconds(1, 0)


# ----------------------------------------------------------------------------- run order
def test_schedule_rotates_every_round_and_spreads_the_slow_contender():
    assert report.schedule(3, 2) == [["a", "b", "c", "mlp"],
                                     ["c", "mlp", "b"],
                                     ["c", "mlp", "a", "b"]]
    order = report.schedule(5, 5)
    assert all(sorted(r) == ["a", "b", "c", "mlp"] for r in order)
    assert [r[0] for r in order] == ["a", "b", "c", "mlp", "a"]  # every contender goes first
    assert [sum("a" in r for r in report.schedule(n, 1)) for n in (1, 4)] == [1, 1]


@pytest.mark.parametrize("rounds, a_runs", [(2, 3), (2, 0), (0, 0)])
def test_schedule_rejects_more_slow_runs_than_rounds(rounds, a_runs):
    with pytest.raises(ValueError, match="1 <= a_runs <= rounds"):
        report.schedule(rounds, a_runs)


# ----------------------------------------------------------------------------- summaries
def test_summarize_runs_takes_the_median_over_all_epochs_and_of_final_accuracies():
    runs = [{"seconds": [0.9, 0.2, 0.3], "test_acc": 0.83},
            {"seconds": [0.1, 0.25, 0.4], "test_acc": 0.84},
            {"seconds": [0.2, 0.2, 0.2], "test_acc": 0.80}]
    s = report.summarize_runs(runs)
    assert s == {"epoch_s": 0.2, "epoch_min": 0.1, "epoch_max": 0.9, "test_acc": 0.83,
                 "runs": 3, "epochs": 3}


@pytest.mark.parametrize("runs", [[], [{"seconds": [], "test_acc": 0.5}]])
def test_summarize_runs_needs_an_epoch(runs):
    with pytest.raises(ValueError, match="at least one run"):
        report.summarize_runs(runs)


def test_spread_is_range_over_median():
    assert report.spread([1.0, 2.0, 4.0]) == 1.5


# ----------------------------------------------------------------------------- targets
def summary(epoch_s, test_acc=0.83):
    return {"epoch_s": epoch_s, "epoch_min": epoch_s, "epoch_max": epoch_s,
            "test_acc": test_acc, "runs": 1, "epochs": 10}


def targets_by_name(**overrides):
    data = {"ours": 0.04, "gluon_0": 2.4, "gluon_2": 1.6, "import_s": 1.0}
    train = {"a": summary(2.0), "b": summary(0.25, 0.834), "c": summary(0.2, 0.8249),
             "mlp": summary(1.01)}
    for key, value in overrides.items():
        (data if key in data else train)[key] = value
    return {t["name"]: t for t in report.check_targets(data, train)}


def test_check_targets_at_and_around_each_limit():
    t = targets_by_name()
    assert t["loader pass"]["passed"]  # 0.04 <= 0.05
    assert t["loader speedup vs Gluon DataLoader, 0 workers"]["measured"] == pytest.approx(60)
    assert t["loader speedup vs Gluon DataLoader, 0 workers"]["passed"]
    assert t["loader speedup vs Gluon DataLoader, 2 workers"]["measured"] == pytest.approx(40)
    assert not t["loader speedup vs Gluon DataLoader, 2 workers"]["passed"]
    assert t["(b) end-to-end speedup vs (a)"]["measured"] == 8.0
    assert t["(b) end-to-end speedup vs (a)"]["passed"]  # exactly 8x passes
    assert t["(c) end-to-end speedup vs (a)"]["measured"] == 10.0
    assert t["(b) test accuracy gap to (a)"]["measured"] == pytest.approx(0.004)
    assert t["(b) test accuracy gap to (a)"]["passed"]
    assert t["(c) test accuracy gap to (a)"]["measured"] == pytest.approx(0.0051)
    assert not t["(c) test accuracy gap to (a)"]["passed"]  # accuracy below (a)'s counts too
    assert t["(b) softmax epoch"]["passed"] and t["(c) softmax epoch"]["passed"]
    assert not t["MLP epoch"]["passed"]  # 1.01 > 1.0
    assert not targets_by_name(b=summary(0.26, 0.83))["(b) softmax epoch"]["passed"]
    assert not targets_by_name(ours=0.051)["loader pass"]["passed"]


def test_format_targets_prints_pass_fail_value_and_limit():
    lines = report.format_targets(report.check_targets(
        {"ours": 0.035, "gluon_0": 1.5}, {"a": summary(2.0), "b": summary(0.2),
                                          "c": summary(0.3), "mlp": summary(0.5)}))
    assert lines[0].split() == ["PASS", "loader", "pass", "0.035", "s", "(target", "<=", "0.05",
                                "s)"]
    assert lines[1].split()[0] == "FAIL" and "42.9x" in lines[1]
    assert [line.split()[0] for line in lines] == ["PASS", "FAIL", "PASS", "PASS", "FAIL",
                                                   "PASS", "PASS", "FAIL", "PASS"]
    assert "6.7x" in lines[4] and "0.300 s" in lines[7]


def test_format_training_shows_ratio_to_the_reference():
    lines = report.format_training({"a": summary(2.0, 0.83), "b": summary(0.25, 0.8312)},
                                   {"a": "(a)", "b": "(b)"})
    assert lines[1].split() == ["(a)", "2.000", "2.000-2.000", "1x10", "1.0x", "0.8300"]
    assert lines[2].split() == ["(b)", "0.250", "0.250-0.250", "1x10", "8.0x", "0.8312"]


def test_format_settings_ratios_are_default_over_setting():
    lines = report.format_settings({"default": {"b": [0.3, 0.2, 0.4]},
                                    "X=1": {"b": [0.15, 0.15]}, "Y=1": {"b": [0.15]}}, ["b"])
    assert lines[1].split() == ["default", "0.300s", "(1.00x)"]
    assert lines[2].split() == ["X=1", "0.150s", "(2.00x)+"]
    assert lines[3].split() == ["Y=1", "0.150s", "(2.00x)"]  # one round: no noise estimate


@pytest.mark.parametrize("rounds, mark", [([0.1, 0.19], "+"), ([0.41, 0.5], "-"),
                                          ([0.1, 0.25], " "), ([0.1], " "), ([0.5], " ")])
def test_compare_rounds_marks_only_differences_beyond_the_spread(rounds, mark):
    assert report.compare_rounds(rounds, [0.2, 0.3, 0.4]) == mark


# ----------------------------------------------------------------------------- settings, JSON
def test_setting_env_removes_tuned_variables_before_adding_the_setting():
    base = {"PATH": "/bin", "OMP_NUM_THREADS": "4", "MXNET_ENGINE_TYPE": "NaiveEngine"}
    env = mxnet_settings.setting_env({"OMP_NUM_THREADS": "1"}, base)
    assert env == {"PATH": "/bin", "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    assert base["MXNET_ENGINE_TYPE"] == "NaiveEngine"  # the caller's dict is left alone


def test_machine_facts_report_the_given_environment():
    facts = report.machine_facts({"OMP_NUM_THREADS": "1"})
    assert facts["env"]["OMP_NUM_THREADS"] == "1"
    assert facts["env"]["MXNET_ENGINE_TYPE"] is None
    assert facts["usable_cores"] >= 1 and facts["mxnet"] == "1.9.1"


def test_write_json_adds_the_timestamp_and_leaves_no_temporary_file(tmp_path):
    now = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)
    path = report.write_json({"targets": [1, 2]}, tmp_path / "results", now=now)
    assert path == tmp_path / "results" / "bench-20240506-070809.json"
    assert json.loads(path.read_text()) == {"timestamp": "2024-05-06T07:08:09+00:00",
                                            "targets": [1, 2]}
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_write_json_that_fails_midway_leaves_nothing(tmp_path):
    with pytest.raises(TypeError):
        report.write_json({"bad": object()}, tmp_path)
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- chapter 08
@pytest.fixture
def numpy_mlp(monkeypatch):
    """bench/numpy_mlp.py, which imports its sibling scripts (report, training)."""
    monkeypatch.syspath_prepend(str(BENCH))
    return load("numpy_mlp")


def test_numpy_mlp_rotations_put_every_contender_first_equally_often(numpy_mlp):
    assert numpy_mlp.rotations(4) == [["numpy", "scratch", "gluon"],
                                      ["scratch", "gluon", "numpy"],
                                      ["gluon", "numpy", "scratch"],
                                      ["numpy", "scratch", "gluon"]]
    with pytest.raises(ValueError, match="rounds must be >= 1"):
        numpy_mlp.rotations(0)


def test_numpy_mlp_line_shows_each_time_and_the_ratio_to_numpy(numpy_mlp):
    line = numpy_mlp.format_line({"numpy": summary(0.9), "scratch": summary(0.45),
                                  "gluon": summary(0.3)})
    assert line == ("MLP 784-128-10, s/epoch end to end (median): NumPy (chapter 08) 0.900 s, "
                    "MXNet scratch 0.450 s (NumPy/this 2.0x), "
                    "Gluon hybridized 0.300 s (NumPy/this 3.0x)")


def test_numpy_mlp_rejects_an_unknown_contender(numpy_mlp):
    with pytest.raises(ValueError, match="unknown contender 'torch'"):
        numpy_mlp.run("torch", None, 1)


# ----------------------------------------------------------------------------- chapter 09
@pytest.fixture
def augmentation(monkeypatch):
    """bench/augmentation.py, which imports its sibling scripts."""
    monkeypatch.syspath_prepend(str(BENCH))
    return load("augmentation")


def test_augmentation_line_shows_both_times_and_how_many_times_slower(augmentation):
    line = augmentation.format_line({"plain": summary(0.8), "augmented": summary(1.0)})
    assert line == ("MLP 784-256-10, s/epoch end to end (median): plain loader 0.800 s, "
                    "with random_shift + random_flip_lr (chapter 09) 1.000 s "
                    "(augmented/plain 1.25x)")


def test_augmentation_rejects_an_unknown_contender(augmentation):
    with pytest.raises(ValueError, match="unknown contender 'mixup'"):
        augmentation.run("mixup", None, 1)


def test_augmentation_run_trains_on_augmented_batches(augmentation, monkeypatch):
    """The augmented contender hands train_ch3 an Augmented wrapper of the same loader."""
    seen = {}

    def fake_train(net, loaders, loss, epochs, **kwargs):
        seen["train"], seen["test"] = loaders
        return {"seconds": [1.0] * epochs, "test_acc": 0.5}

    monkeypatch.setattr(augmentation, "_course_train", fake_train)
    train, test = object(), object()
    augmentation.run("augmented", (train, test), 2)
    assert seen["train"].data_iter is train and seen["test"] is test
    augmentation.run("plain", (train, test), 2)
    assert seen["train"] is train


# ----------------------------------------------------------------------------- sweep line
def sweep_runs(seconds, accs, lrs=(0.1, 0.3)):
    return [{"lr": lr, "seconds": s, "test_acc": a}
            for lr, s, a in zip(lrs, seconds, accs, strict=True)]


def test_summarize_sweep_sums_each_side_and_divides_first_edition_by_course():
    s = report.summarize_sweep(sweep_runs([1.5, 2.5], [0.83, 0.84]),
                               sweep_runs([20.0, 24.0], [0.8312, 0.8395]))
    assert s["configs"] == 2
    assert s["course_s"] == 4.0 and s["first_edition_s"] == 44.0
    assert s["ratio"] == 11.0
    assert s["max_acc_gap"] == pytest.approx(0.0012)


@pytest.mark.parametrize(("course", "first", "message"), [
    ([], [], "non-empty"),
    (sweep_runs([1.0], [0.8], lrs=(0.1,)), sweep_runs([1.0, 2.0], [0.8, 0.8]), "got 1 and 2"),
    (sweep_runs([1.0, 1.0], [0.8, 0.8]), sweep_runs([1.0, 1.0], [0.8, 0.8], lrs=(0.1, 0.2)),
     "lr 0.3 against 0.2"),
])
def test_summarize_sweep_needs_the_same_configurations_on_both_sides(course, first, message):
    with pytest.raises(ValueError, match="summarize_sweep: .*" + message):
        report.summarize_sweep(course, first)


def test_format_sweep_prints_totals_ratio_and_gap():
    line = report.format_sweep(report.summarize_sweep(sweep_runs([1.5, 2.5], [0.83, 0.84]),
                                                      sweep_runs([20.0, 24.0], [0.83, 0.8395])),
                               epochs=10)
    assert line == ("sweep of 2 softmax trainings x 10 epochs: course 4.0 s, first edition "
                    "44.0 s -> 11.0x faster; largest test accuracy gap 0.0005")


def test_bench_sweep_options_exclude_each_other(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    bench = load("bench")
    assert bench.parse_args(["--only-sweep"]).only_sweep
    assert bench.parse_args(["--no-sweep"]).no_sweep
    with pytest.raises(SystemExit):
        bench.parse_args(["--no-sweep", "--only-sweep"])
