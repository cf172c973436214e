"""Train and use a Fashion-MNIST MLP from the command line, with checkpoints and logs.

    python -m d2l_utils.run train --run-dir runs/mlp --epochs 10
    python -m d2l_utils.run train --run-dir runs/mlp --epochs 15     # resumes at epoch 10
    python -m d2l_utils.run predict --run-dir runs/mlp -n 10
    python -m d2l_utils.run predict --run-dir runs/mlp --image my_shirt.jpg
    tensorboard --logdir runs          # or: make tensorboard

The first-edition TF1 script of the course's source material, done properly:
resuming restores the optimizer state, the step and the random state (the
run ends exactly as an uninterrupted one); checkpoints are kept (the last few
and the best), written atomically; one process at a time trains in a run
folder; predict checks that the checkpoint fits the network.  Every problem
is one line starting with "error:" and exit status 2.
Introduced in chapters/11_training_in_practice.ipynb.
"""

import argparse
import os
import shlex
import shutil
import signal
import sys

from mxnet import gluon, init

from .arguments import UsageError, number_type
from .callbacks import Checkpoint, ProgressBar, TensorBoardLogger
from .checkpoints import CheckpointError, best_checkpoint, latest_checkpoint, list_checkpoints
from .data import DataError, load_data_fashion_mnist, split_train_valid
from .device import set_seed
from .language import get_language
from .language import text as _text  # _run_dir's argument is named text
from .mlp import mlp_net
from .run_predict import TEST_IMAGES, predict
from .runfolder import (
    MAX_LAYERS,
    RunFolderError,
    RunLock,
    check_memory,
    check_writable,
    read_config,
    run_paths,
    write_remedy,
)
from .safe_files import write_json
from .training import train_ch3

__all__ = ["main", "parser"]

TRAIN_IMAGES, MAX_EPOCHS = 60000, 10000
_CONFIG = ("hidden", "optimizer", "lr", "batch_size", "seed", "valid_size", "train_limit")


def _check_train_sizes(args):
    """The checks that involve several options: before anything is read or written."""
    if len(args.hidden) > MAX_LAYERS:
        raise UsageError(f"--hidden: at most {MAX_LAYERS} layers, got {len(args.hidden)}")
    images = args.train_limit or TRAIN_IMAGES
    if args.valid_size >= images:
        raise UsageError(f"--valid-size {args.valid_size} leaves no training images: it must "
                         f"be below the {images} images used (--train-limit)")
    train_images = images - args.valid_size
    if args.batch_size > train_images:
        raise UsageError(_text(f"--batch-size {args.batch_size} is larger than the "
                               f"{train_images} training images; use a smaller batch",
                               f"--batch-size {args.batch_size} 大于 {train_images} 张训练图像；"
                               "请用更小的批量"))
    check_memory(args.hidden, args.batch_size, args.optimizer)


def _check_config(args, config, config_path, checkpoints):
    old = read_config(config_path)
    if old is None or old == config or not list_checkpoints(checkpoints):
        return  # a config without checkpoints is a run that never saved: start it again
    diff = ", ".join(f"--{k.replace('_', '-')} {old.get(k)} (now {config[k]})"
                     for k in config if old.get(k) != config[k]) or "other options"
    raise UsageError(_text(f"{args.run_dir} holds a run trained with {diff}; resume it with "
                           "the same options or choose another --run-dir",
                           f"{args.run_dir} 中是用 {diff} 训练的运行；请用相同的选项恢复它，"
                           "或另选一个 --run-dir"))


def _load_data(args):
    set_seed(args.seed)
    train_iter, _ = load_data_fashion_mnist(args.batch_size, root=args.data_dir)
    if args.train_limit:
        train_iter = train_iter.subset(list(range(args.train_limit)))
    return split_train_valid(train_iter, args.valid_size, seed=args.seed)


def train(args):
    _check_train_sizes(args)
    config = {k: getattr(args, k) for k in _CONFIG}
    config_path, checkpoints, logs = run_paths(args.run_dir)
    created = not os.path.exists(args.run_dir)
    check_writable(args.run_dir)
    lock, logger, started = RunLock(args.run_dir).acquire(), None, False
    try:
        if lock.stale:
            print(f"took over the lock left by a process that has ended ({lock.stale})")
        _check_config(args, config, config_path, checkpoints)
        for folder in (checkpoints, logs):
            check_writable(folder)
        train_iter, valid_iter = _load_data(args)
        net = mlp_net(args.hidden)
        net.initialize(init.Xavier())
        net.hybridize()
        trainer = gluon.Trainer(net.collect_params(), args.optimizer, {"learning_rate": args.lr})
        callbacks = []
        if not args.no_tensorboard:  # before Checkpoint: an epoch is logged, then saved
            logger = TensorBoardLogger(logs)
            callbacks.append(logger)
        # seed: reseed MXNet every epoch, so a resumed run ends bit for bit as an
        # uninterrupted one (Checkpoint's docstring)
        callbacks.append(Checkpoint(checkpoints, every=args.every, keep=args.keep,
                                    seed=args.seed))
        if not args.no_progress:
            callbacks.append(ProgressBar(len(train_iter)))
        write_json(config_path, config)
        started = True
        history = train_ch3(net, train_iter, None, gluon.loss.SoftmaxCrossEntropyLoss(),
                            args.epochs, args.batch_size, trainer=trainer,
                            valid_iter=valid_iter, callbacks=callbacks, plot=False,
                            verbose=args.no_progress)
    finally:
        if logger is not None:
            logger.close()
        lock.release()
        if created and not started:  # nothing trained: leave nothing behind
            shutil.rmtree(args.run_dir, ignore_errors=True)
    best = best_checkpoint(checkpoints)
    if history.valid_acc:
        print(f"done: {len(history.valid_acc)} epochs, validation accuracy "
              f"{history.valid_acc[-1]:.3f}; best checkpoint {os.path.basename(best)}")
    return 0


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # not argparse's usage block plus message: the promise is one line
        raise UsageError(_text(f"{message} (see --help)", f"{message}（见 --help）"))


def _run_dir(text):
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a folder, got an empty string")
    return text


def parser():
    p = _Parser(prog="python -m d2l_utils.run", description=__doc__,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    positive = number_type(int, 1)
    t = sub.add_parser("train", help="train (or resume) a run; checkpoints and logs go into "
                                     "--run-dir")
    t.add_argument("--run-dir", required=True, type=_run_dir, help="folder of the run: "
                   "config.json, checkpoints/, logs/ (TensorBoard)")
    t.add_argument("--epochs", type=number_type(int, 1, MAX_EPOCHS), default=10, help="total "
                   f"epochs, at most {MAX_EPOCHS}; a resumed run trains the ones missing "
                   "(default 10)")
    t.add_argument("--hidden", type=positive, nargs="+", default=[64], help="hidden layer "
                   "sizes (default 64: the TF1 script's 784-64-10); refused if training would "
                   "not fit in memory")
    t.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd", help="the optimizer: sgd "
                   "(default) or adam")
    t.add_argument("--lr", type=number_type(float, above=0), default=0.5, help="learning rate "
                   "(default 0.5)")
    t.add_argument("--batch-size", type=positive, default=256, help="default 256")
    t.add_argument("--seed", type=number_type(int, 0, 2**32 - 1), default=0, help="random seed, "
                   "0 to 2**32-1 (default 0)")
    t.add_argument("--valid-size", type=positive, default=10000, help="training images held "
                   "out for validation, which picks the best checkpoint (default 10000)")
    t.add_argument("--train-limit", type=number_type(int, 1, TRAIN_IMAGES), help="use only the "
                   "first N training images (quick try-outs)")
    t.add_argument("--every", type=positive, default=1, help="save every N epochs (default 1)")
    t.add_argument("--keep", type=positive, default=3, help="keep the last N checkpoints, plus "
                   "the best (default 3)")
    t.add_argument("--no-tensorboard", action="store_true", help="write no TensorBoard logs")
    t.add_argument("--no-progress", action="store_true", help="print one line per epoch "
                   "instead of a progress bar")
    r = sub.add_parser("predict", help="classify test images or your own image files")
    r.add_argument("--run-dir", required=True, type=_run_dir, help="the run folder that train "
                   "wrote")
    r.add_argument("--checkpoint", default="best", help="'best' (default), 'latest' or a "
                   "checkpoint folder")
    r.add_argument("--hidden", type=positive, nargs="+", help="hidden layer sizes (default: "
                   "the run's config.json); a checkpoint that does not fit is an error")
    r.add_argument("-n", type=number_type(int, 1, TEST_IMAGES), default=10, help="how many "
                   "test images to show (default 10)")
    r.add_argument("--image", nargs="+", help="PNG/JPEG files to classify instead: top-3 "
                   "classes with probabilities")
    for q in (t, r):
        q.add_argument("--data-dir", help="folder with Fashion-MNIST (default: found as "
                       "d2l_utils.data finds it)")
    return p


def _error(message):
    print(f"error: {message}", file=sys.stderr)
    return 2


def _resume_hint(args, argv):
    latest = latest_checkpoint(run_paths(args.run_dir)[1]) if args.command == "train" else None
    again = "python -m d2l_utils.run " + " ".join(map(shlex.quote, argv))
    if latest is None:
        return _text(f"no checkpoint was written yet; start again with: {again}",
                     f"还没有写入任何检查点；请重新开始：{again}")
    return _text(f"the last checkpoint is {latest}; resume from it with: {again}",
                 f"最近的检查点是 {latest}；从它恢复：{again}")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    try:
        get_language()  # an invalid D2L_LANGUAGE is an error line, before anything runs
    except ValueError as err:
        return _error(err)
    try:
        args = parser().parse_args(argv)
    except UsageError as err:
        return _error(err)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill` ends a run like Ctrl-C
    try:
        return train(args) if args.command == "train" else predict(args)
    except (UsageError, CheckpointError, DataError, RunFolderError) as err:
        return _error(err)
    except OSError as err:  # while training: a full disk, a folder made read-only
        what = err.strerror or str(err)
        where = f" ({err.filename})" if err.filename else ""
        return _error(_text(f"cannot write into {args.run_dir}: {what}{where}; "
                            f"{write_remedy(err)}; ",
                            f"无法写入 {args.run_dir}：{what}{where}；{write_remedy(err)}；")
                      + _resume_hint(args, argv))
    except MemoryError:
        return _error(_text("out of memory; use fewer --hidden units or a smaller --batch-size",
                            "内存不足；请减少 --hidden 的单元数，或用更小的 --batch-size"))
    except KeyboardInterrupt:
        return _error(_text("interrupted; ", "已中断；") + _resume_hint(args, argv))
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
