"""Image grids: Fashion-MNIST examples with their labels, predictions, any grey or colour image.

Introduced in chapters/01_fashion_mnist.ipynb.
"""

import numpy as np

from .arguments import check_number
from .plotting import _to_numpy, use_svg_display

# pyplot is imported in the functions that draw: plotting.py says why.

__all__ = ["show_images", "show_fashion_mnist"]

# Widest row of images show_fashion_mnist draws, in inches: a figure that fits a 1280x720 slide.
MAX_ROW_WIDTH = 7.0


def _image(img):
    img = np.asarray(_to_numpy(img))
    if img.ndim == 3 and img.shape[0] == 1:  # (1, h, w) channel-first grey image
        img = img[0]
    if img.ndim == 3 and img.shape[-1] == 1:  # (h, w, 1) channel-last, as Gluon's datasets
        img = img[..., 0]
    if img.ndim == 1 and img.size == 28 * 28:  # a flattened Fashion-MNIST image
        img = img.reshape(28, 28)
    return img


def _grey_scale(img):
    """imshow keywords for a 2-D (grey) image: grey colormap, 0 black, the top value white.

    uint8 images span 0..255 and float images with values in [0, 1] span 0..1,
    so a dark image stays dark; other float images (e.g. a mean or a
    difference) are scaled from their own minimum to their maximum.
    Colour images (h, w, 3) need no keywords.
    """
    if img.ndim != 2:
        return {}
    if img.dtype == np.uint8:
        return {"cmap": "gray", "vmin": 0, "vmax": 255}
    if img.size and 0 <= img.min() and img.max() <= 1:
        return {"cmap": "gray", "vmin": 0, "vmax": 1}
    return {"cmap": "gray"}


def show_images(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Show images in a num_rows x num_cols grid; return the axes (flat array).

    imgs: a sequence (or (n, ...) array / NDArray) of images, each (h, w),
    (1, h, w), (h, w, 1) or (h, w, 3); titles: None or one str per image.
    Grey images use a grey colormap: 0 is black and 255 (uint8) or 1.0
    (floats in [0, 1]) is white.  In a notebook
    assign the result (``axes = show_images(...)``) to keep the axes from being
    printed: a trailing ``;`` hides them in JupyterLab but not under nbval,
    which runs cells without IPython's history.  Introduced in
    chapters/01_fashion_mnist.ipynb.

    First-edition calls work: d2lzh's signature is ``(imgs, num_rows, num_cols,
    scale=2)``, so a number in the fourth place is the scale.  d2lzh returns
    pyplot's (num_rows, num_cols) grid; this returns it flattened, so
    ``axes[k]`` is image k and the book's ``show_images(...).flatten()`` and
    ``zip(axes, ...)`` work unchanged (d2lzh's own ``axes[i][j]`` becomes
    ``axes[i * num_cols + j]``).  The default scale stays 1.5 (2 in the book)
    so grids fit a slide.
    """
    if isinstance(titles, int | float) and not isinstance(titles, bool):
        if scale != 1.5:
            raise ValueError(f"show_images: got a scale twice ({titles!r} in the place of "
                             f"titles, and scale={scale!r}); pass titles as a list of str")
        titles, scale = None, titles  # the book's show_images(imgs, rows, cols, scale)
    for name, value in (("num_rows", num_rows), ("num_cols", num_cols)):
        check_number(f"show_images: {name}", value, int, 1)
    if len(imgs) > num_rows * num_cols:
        raise ValueError(f"show_images: {len(imgs)} images do not fit a "
                         f"{num_rows}x{num_cols} grid; pass imgs[:{num_rows * num_cols}]")
    if titles is not None and len(titles) != len(imgs):
        raise ValueError(f"show_images: {len(titles)} titles for {len(imgs)} images")
    figsize = (num_cols * scale, num_rows * scale)
    from matplotlib import pyplot as plt
    _, axes = plt.subplots(num_rows, num_cols, figsize=figsize, squeeze=False)
    axes = axes.ravel()
    for i, ax in enumerate(axes):
        ax.axes.get_xaxis().set_visible(False)
        ax.axes.get_yaxis().set_visible(False)
        if i < len(imgs):
            img = _image(imgs[i])
            ax.imshow(img, **_grey_scale(img))
            if titles is not None:
                ax.set_title(titles[i])
        else:
            ax.axis("off")
    return axes


def show_fashion_mnist(images, labels):
    """Show images in one row, each titled with its text label (first edition).

    images: (n, 1, 28, 28) or (n, 28, 28), NDArray or NumPy; labels: n strings,
    e.g. from ``get_fashion_mnist_labels``.  The row is at most 7 inches wide
    (1.5 inches per image for up to 4 images), with small titles, so ten
    images fit a slide.  Returns None, like the book, so it can end a
    notebook cell.  Introduced in chapters/01_fashion_mnist.ipynb.
    """
    if len(images) == 0 or len(labels) != len(images):
        raise ValueError(f"show_fashion_mnist: need one label per image and at least one "
                         f"image, got {len(images)} images and {len(labels)} labels")
    use_svg_display()
    from matplotlib import pyplot as plt
    with plt.rc_context({"axes.titlesize": "small"}):
        show_images(images, 1, len(images), titles=list(labels),
                    scale=min(1.5, MAX_ROW_WIDTH / len(images)))
