"""Pages and their limits (issue 26): what a clerk is told when a picture cannot be a page."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from clerk.capture.pages import (
    CaptureError,
    DuplicatePage,
    Limits,
    MaterialPages,
    build_pdf,
    page_from_bytes,
    pages_from_bytes,
)
from tests.support.pictures import noisy_photo, pdf_pages, picture


def test_a_jpeg_page_is_kept_byte_for_byte_in_the_pdf():
    data = picture(1240, 1754, dpi=150)
    page = page_from_bytes(data, source="高拍仪")
    assert page.kind == "jpeg" and page.data == data and (page.width, page.height, page.dpi) == (1240, 1754, 150)
    (shown,) = pdf_pages(build_pdf((page,)))
    assert shown["images"][0]["filter"] == "/DCTDecode" and shown["images"][0]["data"] == data
    assert round(shown["width_pt"]) == round(1240 / 150 * 72)  # A4 at 150 dpi: 595 pt wide


def test_a_forty_megabyte_phone_photo_is_reduced_to_an_a4_page_and_says_so():
    photo = noisy_photo(7300, 5000)  # a phone camera's 36-megapixel photo, hardly compressible
    assert len(photo) > 38 * 1024 * 1024
    page = page_from_bytes(photo)
    assert max(page.width, page.height) == 3508 and page.kind == "jpeg"
    assert "已缩小为 A4 300dpi" in page.note and "7300×5000" in page.note
    assert len(page.data) < len(photo)


def test_a_photo_that_cannot_be_made_small_enough_is_refused_with_the_reason():
    with pytest.raises(CaptureError, match="缩小后仍超过每页"):
        page_from_bytes(noisy_photo(6000, 4000), limits=Limits(max_page_bytes=1024 * 1024))


def test_a_file_over_the_size_limit_is_refused_unread():
    with pytest.raises(CaptureError, match=r"文件过大（1\.0 MB），超过 0\.5 MB 的上限"):
        pages_from_bytes(b"\xff\xd8\xff" + bytes(1024 * 1024 - 3), limits=Limits(max_file_bytes=512 * 1024))


def test_not_a_picture_a_broken_picture_and_a_thumbnail_are_refused():
    with pytest.raises(CaptureError, match="不是图片或 PDF 文件"):
        pages_from_bytes(b"PK\x03\x04 a word document, not a scan" * 100)
    with pytest.raises(CaptureError, match="不是图片或 PDF 文件"):
        pages_from_bytes(bytes(range(256)) * 50)  # garbage
    whole = picture()
    with pytest.raises(CaptureError, match="图片文件不完整或已损坏"):
        pages_from_bytes(whole[: len(whole) // 2])
    with pytest.raises(CaptureError, match=r"图片分辨率过低（160×120）"):
        pages_from_bytes(picture(160, 120))
    with pytest.raises(CaptureError, match="文件是空的"):
        pages_from_bytes(b"")


def test_a_decompression_bomb_is_refused():
    tiny = io.BytesIO()
    Image.new("1", (20000, 20000)).save(tiny, "PNG")  # 400 megapixels in a few kilobytes
    with pytest.raises(CaptureError, match="像素过多"):
        pages_from_bytes(tiny.getvalue())


def test_a_png_with_transparency_is_flattened_losslessly_and_a_tiff_converted():
    page = page_from_bytes(picture(kind="PNG", mode="RGBA"))
    assert page.kind == "png" and Image.open(io.BytesIO(page.data)).mode == "RGB"
    tiff = io.BytesIO()
    Image.open(io.BytesIO(picture(kind="PNG"))).save(tiff, "TIFF")
    assert page_from_bytes(tiff.getvalue()).kind == "png"
    (shown,) = pdf_pages(build_pdf((page,)))
    assert shown["images"][0]["filter"] == "/FlateDecode"


def test_the_same_page_twice_is_said_not_added():
    pages = MaterialPages().adding(pages_from_bytes(picture(seed=1)))
    pages = pages.adding(pages_from_bytes(picture(seed=2)))
    with pytest.raises(DuplicatePage, match="这一页与第 1 页内容完全相同，未重复添加"):
        pages.adding(pages_from_bytes(picture(seed=1)))
    assert len(pages) == 2


def test_too_many_pages_are_refused():
    pages = MaterialPages(max_pages=2).adding(pages_from_bytes(picture(seed=1)) + pages_from_bytes(picture(seed=2)))
    with pytest.raises(CaptureError, match="每份材料最多 2 页，已达上限"):
        pages.adding(pages_from_bytes(picture(seed=3)))


def test_a_page_retaken_or_removed_changes_the_pdf():
    one, two, again = (pages_from_bytes(picture(seed=s))[0] for s in (1, 2, 3))
    pages = MaterialPages().adding([one, two])
    retaken = pages.replacing(1, again)
    assert [p.digest for p in retaken.pages] == [one.digest, again.digest]
    file = retaken.without(0).file("lease")
    assert file.pages == 1 and pdf_pages(file.pdf)[0]["images"][0]["data"] == again.data
    assert MaterialPages().file("lease") is None


def test_a_pdf_file_gives_its_pages_and_mixes_with_pictures():
    two_pages = build_pdf(tuple(pages_from_bytes(picture(seed=s))[0] for s in (5, 6)))
    from_file = pages_from_bytes(two_pages, source="补正.pdf")
    assert [p.kind for p in from_file] == ["pdf", "pdf"]
    file = MaterialPages().adding(pages_from_bytes(picture(seed=7)) + from_file).file("supplement")
    assert file.pages == 3 and len(pdf_pages(file.pdf)) == 3
    with pytest.raises(DuplicatePage):
        MaterialPages().adding(from_file).adding(pages_from_bytes(two_pages))
    with pytest.raises(CaptureError, match="PDF 文件已损坏"):
        pages_from_bytes(b"%PDF-1.7\n garbage")


def test_the_files_that_travel_are_those_on_the_checklist_not_marked_not_applicable():
    from clerk.capture.pages import travelling_files
    from clerk.domain.intake import MaterialMark, MaterialStatus

    file = MaterialPages().adding(pages_from_bytes(picture(seed=1))).file
    files = {"a": file("a"), "b": file("b"), "gone": file("gone")}
    marks = {"a": MaterialMark(MaterialStatus.MISSING), "b": MaterialMark(MaterialStatus.NOT_APPLICABLE)}
    assert set(travelling_files(files, ["a", "b"], marks)) == {"a"}
    assert set(travelling_files(files, ["a", "b"], {})) == {"a", "b"}  # pending: not ticked, still carried


def _without_resolution(width: int, height: int) -> bytes:
    """A document camera's picture: a JPEG that does not say its dpi."""
    out = io.BytesIO()
    Image.new("L", (width, height), 255).save(out, "JPEG", quality=80)
    return out.getvalue()


@pytest.mark.parametrize(("size", "sheet"), [
    ((2480, 3508), (595, 842)),  # an A4 page shot at 300 dpi: an A4 page, not img2pdf's 96 dpi 66 × 93 cm
    ((3508, 2480), (842, 595)),  # the same page lying down
    ((2000, 3600), (468, 842)),  # a page taller than A4 at 300 dpi fits the sheet
    ((1011, 638), (243, 153)),  # an ID card at 300 dpi keeps its size (85.6 × 54 mm)
])
def test_a_picture_that_does_not_say_its_resolution_is_read_as_a_scan_no_larger_than_a4(size, sheet):
    data = _without_resolution(*size)
    page = page_from_bytes(data, source="高拍仪")
    assert page.dpi == 0
    mixed = build_pdf((page, page_from_bytes(picture(1240, 1754, dpi=150))))
    first, second = pdf_pages(mixed)
    assert (round(first["width_pt"]), round(first["height_pt"])) == sheet
    assert first["images"][0]["data"] == data  # still the camera's bytes
    assert round(second["width_pt"]) == 595  # a picture that says its dpi keeps its size
