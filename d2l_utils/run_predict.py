"""``python -m d2l_utils.run predict``: classify test images, or image files, with a
checkpoint of a run (the command line itself is ``d2l_utils.run``).

Introduced in chapters/11_training_in_practice.ipynb.
"""

import os

from mxnet import nd

from .arguments import UsageError, check_number
from .checkpoints import best_checkpoint, latest_checkpoint, load_checkpoint
from .data import get_fashion_mnist_labels, load_data_fashion_mnist
from .image_input import load_image
from .language import text
from .mlp import mlp_net
from .runfolder import MAX_LAYERS, check_memory, read_config, run_paths

__all__ = ["predict", "TEST_IMAGES"]

TEST_IMAGES = 10000


def _checkpoint(args):
    folder = run_paths(args.run_dir)[1]
    if args.checkpoint in ("best", "latest"):
        if os.path.exists(folder) and not os.path.isdir(folder):
            raise UsageError(f"{folder} is a file, not a folder of checkpoints")
        path = (best_checkpoint if args.checkpoint == "best" else latest_checkpoint)(folder)
        if path is None:
            raise UsageError(text(f"no checkpoint in {folder}; train first: python -m "
                                  f"d2l_utils.run train --run-dir {args.run_dir}",
                                  f"{folder} 中没有检查点；请先训练：python -m "
                                  f"d2l_utils.run train --run-dir {args.run_dir}"))
        return path
    if not os.path.isdir(args.checkpoint):
        raise UsageError(text(f"--checkpoint {args.checkpoint}: no such checkpoint folder",
                              f"--checkpoint {args.checkpoint}：没有这个检查点文件夹"))
    return args.checkpoint


def _hidden(args):
    if args.hidden:
        return args.hidden
    config_path = run_paths(args.run_dir)[0]
    config = read_config(config_path)
    if config is None:
        raise UsageError(text(f"{args.run_dir} has no config.json; say the network with "
                              "--hidden",
                              f"{args.run_dir} 中没有 config.json；请用 --hidden 指定网络"))
    try:
        hidden = [check_number("hidden", units, int, 1) for units in config.get("hidden")]
    except (TypeError, ValueError) as err:
        raise UsageError(f"{config_path}: {err}; say the network with --hidden") from None
    if not 1 <= len(hidden) <= MAX_LAYERS:
        raise UsageError(f"{config_path}: hidden must list 1 to {MAX_LAYERS} layer sizes; say "
                         "the network with --hidden")
    return hidden


def predict(args):
    hidden = _hidden(args)
    check_memory(hidden, args.n)
    path = _checkpoint(args)
    net = mlp_net(hidden)
    net.initialize()
    net(nd.zeros((1, 784)))  # infer the shapes, so a checkpoint of another shape is caught
    load_checkpoint(path, net)
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
