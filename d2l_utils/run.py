"""Train and use a Fashion-MNIST MLP from the command line, with checkpoints and logs.

    python -m d2l_utils.run train --run-dir runs/mlp --epochs 10
    python -m d2l_utils.run train --run-dir runs/mlp --epochs 15     # resumes at epoch 10
    python -m d2l_utils.run predict --run-dir runs/mlp -n 10
    python -m d2l_utils.run predict --run-dir runs/mlp --image my_shirt.jpg
    tensorboard --logdir runs          # or: make tensorboard

The first-edition TF1 script of the course's source material, done properly:
resuming restores the optimizer state, the step and the random state (the
run ends exactly as an uninterrupted one); checkpoints are kept (the last few
and the best), written atomically; predict checks that the checkpoint fits
the network.  Errors print one line and exit with status 2.
Introduced in chapters/11_training_in_practice.ipynb.
"""

import argparse
import json
import os
import sys

import numpy as np
from mxnet import gluon, init, nd
from mxnet.gluon import nn

from .checkpoints import Checkpoint, CheckpointError, best_checkpoint, latest_checkpoint
from .checkpoints import load_checkpoint as _load
from .data import DataError, get_fashion_mnist_labels, load_data_fashion_mnist, split_train_valid
from .device import set_seed
from .image_input import load_image
from .monitoring import ProgressBar, TensorBoardLogger
from .training import train_ch3

__all__ = ["build_mlp", "main"]


class UsageError(Exception):
    """A problem with the command line or the run folder (exit status 2)."""


def build_mlp(hidden):
    """784-h1-...-10 with ReLU, e.g. ``build_mlp([64])`` is the TF1 script's 784-64-10."""
    net = nn.HybridSequential()
    for units in hidden:
        net.add(nn.Dense(units, activation="relu"))
    net.add(nn.Dense(10))
    return net


def _config_path(run_dir):
    return os.path.join(run_dir, "config.json")


def _read_config(run_dir):
    try:
        with open(_config_path(run_dir)) as f:
            return json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise UsageError(f"{_config_path(run_dir)}: unreadable ({err}); delete the run folder "
                         "or use another --run-dir") from None


def train(args):
    config = {"hidden": args.hidden, "optimizer": args.optimizer, "lr": args.lr,
              "batch_size": args.batch_size, "seed": args.seed, "valid_size": args.valid_size}
    old = _read_config(args.run_dir)
    if old is not None and old != config:
        diff = ", ".join(f"--{k.replace('_', '-')} {old[k]} (now {config[k]})"
                         for k in config if old.get(k) != config[k])
        raise UsageError(f"{args.run_dir} holds a run trained with {diff}; resume it with the "
                         "same options or choose another --run-dir")
    os.makedirs(args.run_dir, exist_ok=True)
    with open(_config_path(args.run_dir), "w") as f:
        json.dump(config, f, indent=1)
    set_seed(args.seed)
    train_iter, _ = load_data_fashion_mnist(args.batch_size, root=args.data_dir)
    if args.train_limit:
        train_iter = train_iter.subset(np.arange(min(args.train_limit, train_iter.num_examples)))
    train_iter, valid_iter = split_train_valid(train_iter, args.valid_size, seed=args.seed)
    net = build_mlp(args.hidden)
    net.initialize(init.Xavier())
    net.hybridize()
    trainer = gluon.Trainer(net.collect_params(), args.optimizer, {"learning_rate": args.lr})
    callbacks = [Checkpoint(os.path.join(args.run_dir, "checkpoints"), every=args.every,
                            keep=args.keep, seed=args.seed)]
    if not args.no_tensorboard:
        callbacks.append(TensorBoardLogger(os.path.join(args.run_dir, "logs")))
    if not args.no_progress:
        callbacks.append(ProgressBar(len(train_iter)))
    history = train_ch3(net, train_iter, None, gluon.loss.SoftmaxCrossEntropyLoss(),
                        args.epochs, args.batch_size, trainer=trainer, valid_iter=valid_iter,
                        callbacks=callbacks, plot=False, verbose=args.no_progress)
    best = best_checkpoint(os.path.join(args.run_dir, "checkpoints"))
    if history.valid_acc:
        print(f"done: {len(history.valid_acc)} epochs, validation accuracy "
              f"{history.valid_acc[-1]:.3f}; best checkpoint {os.path.basename(best)}")
    return 0


def _checkpoint(args):
    folder = os.path.join(args.run_dir, "checkpoints")
    if args.checkpoint in ("best", "latest"):
        path = (best_checkpoint if args.checkpoint == "best" else latest_checkpoint)(folder)
        if path is None:
            raise UsageError(f"no checkpoint in {folder}; train first: python -m "
                             f"d2l_utils.run train --run-dir {args.run_dir}")
        return path
    if not os.path.isdir(args.checkpoint):
        raise UsageError(f"--checkpoint {args.checkpoint}: no such checkpoint folder")
    return args.checkpoint


def predict(args):
    config = _read_config(args.run_dir) or {}
    hidden = args.hidden or config.get("hidden")
    if hidden is None:
        raise UsageError(f"{args.run_dir} has no config.json; say the network with --hidden")
    path = _checkpoint(args)
    net = build_mlp(hidden)
    net.initialize()
    net(nd.zeros((1, 784)))  # infer the shapes, so a checkpoint of another shape is caught
    _load(path, net)
    print(f"checkpoint {path} (784-{'-'.join(map(str, hidden))}-10)")
    if args.image:
        for image_path in args.image:
            try:
                image = load_image(image_path)
            except ValueError as err:
                raise UsageError(str(err)) from None
            probs = nd.softmax(net(nd.array(image).reshape((1, -1))))[0].asnumpy()
            top = probs.argsort()[::-1][:3]
            ranked = ", ".join(f"{name} {probs[i]:.2f}" for name, i in
                               zip(get_fashion_mnist_labels(top), top, strict=True))
            print(f"{image_path}: {ranked}")
        return 0
    _, test_iter = load_data_fashion_mnist(args.n, root=args.data_dir)
    X, y = next(iter(test_iter))
    predicted = net(X).argmax(axis=1)
    for i, (true, pred) in enumerate(zip(get_fashion_mnist_labels(y),
                                         get_fashion_mnist_labels(predicted), strict=True)):
        print(f"{i:4d}  true {true:<11} predicted {pred:<11} {'ok' if true == pred else 'WRONG'}")
    print(f"accuracy on these {len(y)}: {(predicted == y).mean().asscalar():.3f}")
    return 0


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an int >= 1, got {text}")
    return value


def parser():
    p = argparse.ArgumentParser(prog="python -m d2l_utils.run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train (or resume) a run; checkpoints and logs go into "
                                     "--run-dir")
    t.add_argument("--run-dir", required=True, help="folder of the run: config.json, "
                   "checkpoints/, logs/ (TensorBoard)")
    t.add_argument("--epochs", type=_positive, default=10, help="total epochs; a resumed run "
                   "trains the ones missing (default 10)")
    t.add_argument("--hidden", type=_positive, nargs="+", default=[64], help="hidden layer "
                   "sizes (default 64: the TF1 script's 784-64-10)")
    t.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd", help="the optimizer: sgd "
                   "(default) or adam")
    t.add_argument("--lr", type=float, default=0.5, help="learning rate (default 0.5)")
    t.add_argument("--batch-size", type=_positive, default=256, help="default 256")
    t.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    t.add_argument("--valid-size", type=_positive, default=10000, help="training images held "
                   "out for validation, which picks the best checkpoint (default 10000)")
    t.add_argument("--train-limit", type=_positive, help="use only the first N training "
                   "images (quick try-outs)")
    t.add_argument("--every", type=_positive, default=1, help="save every N epochs (default 1)")
    t.add_argument("--keep", type=_positive, default=3, help="keep the last N checkpoints, plus "
                   "the best (default 3)")
    t.add_argument("--no-tensorboard", action="store_true", help="write no TensorBoard logs")
    t.add_argument("--no-progress", action="store_true", help="print one line per epoch "
                   "instead of a progress bar")
    r = sub.add_parser("predict", help="classify test images or your own image files")
    r.add_argument("--run-dir", required=True, help="the run folder that train wrote")
    r.add_argument("--checkpoint", default="best", help="'best' (default), 'latest' or a "
                   "checkpoint folder")
    r.add_argument("--hidden", type=_positive, nargs="+", help="hidden layer sizes (default: "
                   "the run's config.json); a checkpoint that does not fit is an error")
    r.add_argument("-n", type=_positive, default=10, help="how many test images to show "
                   "(default 10)")
    r.add_argument("--image", nargs="+", help="PNG/JPEG files to classify instead: top-3 "
                   "classes with probabilities")
    for q in (t, r):
        q.add_argument("--data-dir", help="folder with Fashion-MNIST (default: found as "
                       "d2l_utils.data finds it)")
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    if args.command == "train" and not (args.lr > 0 and np.isfinite(args.lr)):
        print(f"error: --lr must be a finite number > 0, got {args.lr}", file=sys.stderr)
        return 2
    try:
        return train(args) if args.command == "train" else predict(args)
    except (UsageError, CheckpointError, DataError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
