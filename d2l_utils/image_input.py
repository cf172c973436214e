"""A user's own picture as a Fashion-MNIST input: 28x28, grey, light object on black.

Introduced in chapters/11_training_in_practice.ipynb (the predict mode of
``python -m d2l_utils.run``).
"""

import numpy as np

__all__ = ["load_image"]

SIZE = 28


def _border(a):
    return np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])


def _to_fashion_mnist(grey):
    """uint8 (h, w) grey -> float32 in [0, 1], light object on black, cropped to the object."""
    a = grey.astype(np.float32) / 255
    if _border(a).mean() > 0.5:  # a photo on a light background: Fashion-MNIST is the negative
        a = 1 - a
    a = np.clip(a - np.median(_border(a)), 0, None)  # the background becomes 0
    if a.max() > 0:
        a /= a.max()
    rows, cols = np.flatnonzero(a.max(axis=1) > 0.1), np.flatnonzero(a.max(axis=0) > 0.1)
    if len(rows) and len(cols):
        a = a[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    return a


def load_image(path):
    """Read a PNG/JPG (any size, colour or grey) as a Fashion-MNIST-like image.

    The picture is turned grey, inverted if its border is light (Fashion-MNIST
    shows light clothes on black), stretched to the full [0, 1] range, cropped
    to the object, scaled so its longer side is 28 pixels and centred on a
    black 28x28 canvas.  Returns float32 (28, 28) in [0, 1]; raises ValueError
    naming the file if it cannot be read as an image.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.load()
            grey = np.asarray(img.convert("L"))
    except (OSError, UnidentifiedImageError, ValueError) as err:
        raise ValueError(f"{path}: cannot read it as an image ({type(err).__name__}: {err}); "
                         "give a PNG or JPEG file") from None
    if grey.ndim != 2 or min(grey.shape) < 2:
        raise ValueError(f"{path}: the image is {grey.shape}, too small to classify")
    a = _to_fashion_mnist(grey)
    h, w = a.shape
    scale = SIZE / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    resized = Image.fromarray((a * 255).astype(np.uint8)).resize(size, Image.BILINEAR)
    canvas = np.zeros((SIZE, SIZE), dtype=np.float32)
    top, left = (SIZE - size[1]) // 2, (SIZE - size[0]) // 2
    canvas[top:top + size[1], left:left + size[0]] = np.asarray(resized, np.float32) / 255
    return canvas
