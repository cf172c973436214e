"""A user's picture becomes a Fashion-MNIST-like input: 28x28, light object on black."""

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
