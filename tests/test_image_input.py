"""A user's picture becomes a Fashion-MNIST-like input: 28x28, light object on black."""

import os
import signal
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from d2l_utils.image_input import load_image


def picture(path, light_background, size=(60, 90), mode="RGB"):
    """A dark (or light) rectangle on a light (or dark) background, off-centre."""
    a = np.full((size[1], size[0]), 240 if light_background else 10, np.uint8)
    a[10:50, 5:25] = 30 if light_background else 220  # a 20 wide x 40 high object
    Image.fromarray(a).convert(mode).save(path)


@pytest.mark.parametrize("mode", ["RGB", "L", "RGBA"])
@pytest.mark.parametrize("light_background", [True, False])
def test_any_picture_becomes_a_centred_light_object_on_black(tmp_path, light_background, mode):
    path = tmp_path / "x.png"
    picture(path, light_background, mode=mode)
    x = load_image(path)
    assert x.shape == (28, 28) and x.dtype == np.float32
    assert x.min() == 0 and x.max() == pytest.approx(1, abs=0.01)
    assert x[:, :7].max() == 0 and x[:, -7:].max() == 0  # 14 wide, centred: black margins
    assert x[:, 8:20].min() > 0.9  # the object is light, whatever the photo's polarity
    rows = np.flatnonzero(x.max(axis=1) > 0.5)
    assert rows[0] == 0 and rows[-1] == 27  # its longer side fills the 28 pixels


def test_a_jpeg_works_too(tmp_path):
    path = tmp_path / "x.jpg"
    picture(path, True)
    assert load_image(path)[:, 8:20].mean() > 0.8


@pytest.mark.parametrize("content", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n broken"])
def test_an_unreadable_file_is_an_error_naming_it(tmp_path, content):
    path = tmp_path / "photo.png"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=r"photo.png: cannot read it as an image .* PNG or JPEG"):
        load_image(path)


def test_a_missing_file_is_an_error_naming_it(tmp_path):
    with pytest.raises(ValueError, match="nothing.png: cannot read it as an image"):
        load_image(tmp_path / "nothing.png")


def test_a_16_bit_png_is_scaled_not_clipped_to_white(tmp_path):
    """Pillow's convert('L') clips 16-bit pixels at 255: the picture came out blank."""
    picture(tmp_path / "8.png", True, mode="L")
    eight = np.asarray(Image.open(tmp_path / "8.png"))
    Image.fromarray(eight.astype(np.uint16) * 257).save(tmp_path / "16.png")  # 255 -> 65535
    assert Image.open(tmp_path / "16.png").mode.startswith("I;16")
    assert np.allclose(load_image(tmp_path / "16.png"), load_image(tmp_path / "8.png"),
                       atol=1e-6)


def png_header_only(path, width, height):
    """A PNG whose header claims width x height, with no pixel data (a few dozen bytes)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))


@pytest.mark.parametrize("side", [12000, 20000])
def test_a_huge_image_is_refused_from_its_header_before_decoding(tmp_path, side):
    png_header_only(tmp_path / "huge.png", side, side)
    with pytest.raises(ValueError, match=r"huge.png: the image (is \d+x\d+ pixels, more|has "
                                         r"more) than .*25 million .*scale it down first"):
        load_image(tmp_path / "huge.png")


def test_a_large_jpeg_is_reduced_while_decoding(tmp_path):
    a = np.full((6000, 5000), 240, np.uint8)  # 30 million pixels, over the limit as it is
    a[1000:5000, 1500:3500] = 30
    Image.fromarray(a).save(tmp_path / "big.jpg", quality=50)
    x = load_image(tmp_path / "big.jpg")
    assert x.shape == (28, 28) and x[:, 10:18].min() > 0.9 and x[:, :6].max() == 0


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_anything_but_a_regular_file_is_refused_at_once(tmp_path, kind):
    path = {"fifo": tmp_path / "pipe", "folder": tmp_path, "device": "/dev/zero"}[kind]
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading would wait for a writer forever
    def hung(signum, frame):
        raise TimeoutError(f"load_image({path}) still waiting after 20 s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        with pytest.raises(ValueError, match="not a regular file"):
            load_image(path)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
