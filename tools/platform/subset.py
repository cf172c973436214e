"""The numbers `make emulate-arm64` compares between arm64 (emulated) and x86_64.

    python tools/platform/subset.py run OUT.json       # on each machine
    python tools/platform/subset.py compare X86.json ARM64.json

`run` loads Fashion-MNIST with the course's loader and trains one epoch on the first
TRAIN images (softmax regression from scratch through d2l.train_ch3, the same with Gluon,
and a 784-256-10 MLP), evaluating on the 10,000 test images.  Weights start from NumPy's
generator, so both machines begin from the same bits and only their arithmetic (OpenBLAS
kernels, MXNet's operators) can differ.  `compare` fails when a number differs by more than
LOSS_TOL (losses) or ACC_TOL (accuracies); loader numbers must be equal.
"""

import json
import platform
import sys
import time

TRAIN, BATCH, LR, SEED = 5000, 256, 0.1, 0
# One epoch of float32 SGD on 5,000 images: summation order differs between BLAS kernels,
# so the last digits may; a loss that differs in the 4th decimal or more than 10 of the
# 10,000 test images classified differently means the machines compute different things.
LOSS_TOL, ACC_TOL = 1e-4, 1e-3


def _batches(X, y, nd):
    return [(nd.array(X[i:i + BATCH]), nd.array(y[i:i + BATCH]))
            for i in range(0, len(X), BATCH)]


def _summary(history):
    return {"train_loss": history.train_loss[-1], "train_acc": history.train_acc[-1],
            "test_acc": history.test_acc[-1]}


def run(out):
    import numpy as np
    from mxnet import gluon, nd

    import d2l_utils as d2l

    started = time.time()
    d2l.set_seed(SEED)
    train_iter, test_iter = d2l.load_data_fashion_mnist(BATCH)
    X0, y0 = next(iter(train_iter))
    loader = {"train_batches": len(train_iter), "test_batches": len(test_iter),
              "first_batch_pixel_sum": round(float(X0.sum().asscalar()), 2),
              "first_batch_labels": np.bincount(y0.asnumpy().astype(int), minlength=10).tolist()}

    X_train, y_train, X_test, y_test = d2l.load_fashion_mnist_arrays()
    flat = lambda images: (images.reshape(len(images), -1) / np.float32(255)).astype("float32")
    train = _batches(flat(X_train[:TRAIN]), y_train[:TRAIN].astype("float32"), nd)
    test = _batches(flat(X_test), y_test.astype("float32"), nd)
    rng = np.random.RandomState(SEED)
    results = {"loader": loader}

    W = nd.array(rng.normal(0, 0.01, (784, 10)).astype("float32"))
    b = nd.zeros(10)
    for p in (W, b):
        p.attach_grad()

    def softmax_net(X):
        return nd.softmax(nd.dot(X, W) + b)

    def cross_entropy(y_hat, y):
        return -nd.pick(y_hat, y).log()

    results["scratch"] = _summary(d2l.train_ch3(
        softmax_net, train, test, cross_entropy, 1, BATCH, [W, b], LR, plot=False,
        verbose=False))

    def gluon_net(sizes):
        net = gluon.nn.Sequential()
        for units in sizes[1:-1]:
            net.add(gluon.nn.Dense(units, activation="relu"))
        net.add(gluon.nn.Dense(sizes[-1]))
        net.initialize()
        net(train[0][0])  # shapes known: set the weights from NumPy
        for name, p in sorted(net.collect_params().items()):
            p.set_data(nd.array((rng.normal(0, 0.01, p.shape) if name.endswith("weight")
                                 else np.zeros(p.shape)).astype("float32")))
        return net

    for name, sizes in (("gluon", (784, 10)), ("mlp", (784, 256, 10))):
        net = gluon_net(sizes)
        trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})
        results[name] = _summary(d2l.train_ch3(
            net, train, test, gluon.loss.SoftmaxCrossEntropyLoss(), 1, BATCH,
            trainer=trainer, plot=False, verbose=False))
    results["machine"] = platform.machine()
    results["seconds"] = round(time.time() - started, 1)
    with open(out, "w") as f:
        json.dump(results, f, indent=1)
    print(json.dumps(results))


def compare(reference, other):
    with open(reference) as f:
        a = json.load(f)
    with open(other) as f:
        b = json.load(f)
    failures = []
    print(f"{'':30}{a['machine']:>12}{b['machine']:>12}  difference")
    for key, value in a["loader"].items():
        same = value == b["loader"][key]
        print(f"{'loader ' + key:30}{'equal' if same else 'DIFFERENT':>24}")
        if not same:
            failures.append(f"loader {key}: {value} vs {b['loader'][key]}")
    for run_name in ("scratch", "gluon", "mlp"):
        for key, value in a[run_name].items():
            tol = LOSS_TOL if key.endswith("loss") else ACC_TOL
            diff = abs(value - b[run_name][key])
            print(f"{run_name + ' ' + key:30}{value:12.6f}{b[run_name][key]:12.6f}  {diff:.1e}"
                  f" (tolerance {tol:g})")
            if not diff <= tol:
                failures.append(f"{run_name} {key}: {value} vs {b[run_name][key]}")
    print(f"seconds: {a['machine']} {a['seconds']}, {b['machine']} {b['seconds']}")
    if failures:
        print("DIFFERENT:\n  " + "\n  ".join(failures))
        return 1
    print("arm64 and x86_64 agree within the tolerances")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["run"] and len(sys.argv) == 3:
        run(sys.argv[2])
    elif sys.argv[1:2] == ["compare"] and len(sys.argv) == 4:
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
