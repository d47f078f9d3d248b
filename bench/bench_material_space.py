"""How much space the captured pages of a hall's visits take (issue 26; docs/deploy.md).

    python -m bench.bench_material_space                # pages, then 20 visits on SQLite and PostgreSQL
    python -m bench.bench_material_space --visits 50 --backends sqlite

1. Pages: an A4 sheet at 300 dpi (2480×3508), as a sheet-fed scanner or a document camera
   hands it over, saved as JPEG by Pillow (colour, quality 85 — the usual scanner default;
   and greyscale): a printed form of CJK text with scanner noise, and a copy of an ID card
   (two card images with a photo on an otherwise white sheet).  Each becomes a one-page PDF
   with img2pdf (the JPEG is embedded as it is) when img2pdf is installed.
2. Store growth: ``--visits`` visits of 4 materials of the test catalog's item (7 pages: an ID
   card copy on 2 pages, 5 form pages; every page drawn afresh so nothing is deduplicated)
   saved through ``CaseService.submit``; the growth
   of the SQLite file plus its ``clerk.db.materials`` folder, and of the PostgreSQL database
   (``pg_database_size``), per visit; and the save's median time.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.bench_store import ROOT, _service, postgres_server
from bench.timing import throwaway_hall_key

A4_300 = (2480, 3508)
FONT = ROOT / "data" / "fonts" / "clerk-notice-song.ttf"
TEXT = ("申请人承诺所提交的材料真实有效，如有虚假，愿承担相应法律责任。本人已阅读并知晓办理事项的条件、"
        "程序和期限，同意行政机关通过电话、短信等方式告知办理进度。")


def _noise(image, seed: int, amount: int = 4):
    """A scanner's faint grain (±2 %, slightly blurred) over the sheet."""
    from PIL import Image, ImageChops, ImageFilter

    rng = random.Random(seed)
    grain = Image.frombytes("L", (256, 256), bytes(rng.randrange(256 - amount, 256) for _ in range(256 * 256)))
    grain = grain.filter(ImageFilter.GaussianBlur(1))
    tiled = Image.new("L", image.size)
    for x in range(0, image.size[0], 256):
        for y in range(0, image.size[1], 256):
            tiled.paste(grain.rotate(90 * rng.randrange(4)), (x, y))
    return ImageChops.multiply(image, Image.merge("RGB", (tiled, tiled, tiled)) if image.mode == "RGB" else tiled)


def form_page(seed: int, mode: str = "RGB"):
    """A printed A4 form at 300 dpi: a title, 40 lines of 10.5 pt text, boxes, a signature."""
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(seed)
    page = Image.new(mode, A4_300, (250, 249, 245) if mode == "RGB" else 249)
    draw = ImageDraw.Draw(page)
    ink = (25, 25, 30) if mode == "RGB" else 25
    draw.text((700, 200), "行政许可申请表", font=ImageFont.truetype(str(FONT), 90), fill=ink)
    body = ImageFont.truetype(str(FONT), 44)  # 10.5 pt at 300 dpi
    for line in range(40):
        start = rng.randrange(len(TEXT) - 40)
        draw.text((240, 420 + line * 72), TEXT[start:start + 40], font=body, fill=ink)
    for box in range(6):
        draw.rectangle((220, 3300 - box * 20, 2260, 3320 - box * 20), outline=ink, width=3)
    draw.line([(1700 + i * 9, 3200 + rng.randrange(-25, 25)) for i in range(50)], fill=(20, 40, 140) if mode == "RGB" else 60,
              width=6)
    return _noise(page, seed)


def id_copy_page(seed: int):
    """A copy of an ID card, both sides, on an A4 sheet (colour)."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rng = random.Random(seed)
    page = Image.new("RGB", A4_300, (250, 249, 245))
    card = (1011, 638)  # 85.6 × 54 mm at 300 dpi
    font = ImageFont.truetype(str(FONT), 38)
    for side, top in enumerate((500, 1500)):
        face = Image.new("RGB", card, (212, 226, 236))
        d = ImageDraw.Draw(face)
        for i in range(0, card[0], 6):  # the guilloche background
            d.line([(i, 0), (i + rng.randrange(-80, 80), card[1])], fill=(190 + rng.randrange(30), 210, 228))
        if side == 0:
            photo = Image.frombytes("RGB", (60, 75), bytes(rng.randrange(90, 200) for _ in range(60 * 75 * 3)))
            face.paste(photo.resize((300, 375)).filter(ImageFilter.GaussianBlur(6)), (650, 120))
            for i, words in enumerate(("姓名  王五", "性别 男  民族 汉", "出生 1949年12月31日", "住址 济南市历城区山大路1号",
                                       "公民身份号码 11010519491231002X")):
                d.text((60, 80 + i * 100), words, font=font, fill=(30, 30, 30))
        else:
            d.text((300, 260), "中华人民共和国  居民身份证", font=font, fill=(30, 30, 30))
            d.text((200, 460), "签发机关 济南市公安局历城分局", font=font, fill=(30, 30, 30))
        page.paste(face, (735, top))
    return _noise(page, seed)


def jpeg(image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, dpi=(300, 300), optimize=True)
    return out.getvalue()


def pdf_of(jpegs: list[bytes]) -> bytes:
    """One PDF of the pages: img2pdf (JPEG embedded as is) when installed, else the JPEGs + 1 KB a page."""
    try:
        import img2pdf
    except ImportError:
        return b"%PDF-1.4\n" + b"".join(jpegs) + b" " * (1024 * len(jpegs))
    return bytes(img2pdf.convert(jpegs))


def pages(visits: int) -> None:
    kinds = {"表格（彩色，JPEG q85）": lambda s: jpeg(form_page(s)),
             "表格（灰度，JPEG q85）": lambda s: jpeg(form_page(s, "L")),
             "身份证复印件（彩色，JPEG q85）": lambda s: jpeg(id_copy_page(s)),
             "表格（灰度 200 dpi，JPEG q85）": lambda s: jpeg(form_page(s, "L").resize((1654, 2339)))}
    print("| page (A4, 300 dpi unless said) | JPEG | one-page PDF |\n| --- | ---: | ---: |")
    for name, make in kinds.items():
        sizes = [(len(j), len(pdf_of([j]))) for j in (make(seed) for seed in range(3))]
        print(f"| {name} | {statistics.mean(s[0] for s in sizes) / 1024:.0f} KB | "
              f"{statistics.mean(s[1] for s in sizes) / 1024:.0f} KB |")


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else \
        (path.stat().st_size if path.exists() else 0)


def growth(url: str, visits: int, folder: Path | None) -> tuple[float, float]:
    """(bytes per visit, median save ms) of ``visits`` visits of 4 materials, 7 pages."""
    from sqlalchemy import text

    from clerk.domain.accounts import Role
    from clerk.domain.intake import Outcome
    from clerk.domain.scans import MaterialFile
    from clerk.store.migrate import upgrade
    from tests.support.drafts import hygiene

    service = _service(url)
    upgrade(service.store)
    window = service.add_user(None, "w01", "窗口1", Role.WINDOW, "secret1")

    def used() -> int:
        if folder is not None:
            import sqlite3

            with sqlite3.connect(folder.parent / "clerk.db") as raw:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return sum(_size(p) for p in folder.parent.iterdir() if p.name.startswith("clerk.db"))
        with service.store.connection(write=False) as conn:
            return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())

    before = used()
    times = []
    layout = {"id-card": 2, "business-licence": 1, "hygiene-plan": 2, "lease-contract": 2}
    for visit in range(visits):
        seed = visit * 100
        files = {key: MaterialFile.of(key, pdf_of([jpeg(id_copy_page(seed + 10 * m + i)) if key == "id-card"
                                                   else jpeg(form_page(seed + 10 * m + i)) for i in range(n)]), n)
                 for m, (key, n) in enumerate(layout.items())}
        draft = replace(hygiene(), files=files)
        started = time.perf_counter()
        service.submit(window, 3, draft, Outcome.ACCEPT)
        times.append((time.perf_counter() - started) * 1000)
    grown = used() - before
    service.store.dispose()
    return grown / visits, statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    throwaway_hall_key()
    pages(args.visits)
    print(f"\n| store | per visit (7 pages, 4 materials) | save (median) |\n| --- | ---: | ---: |")
    for backend in args.backends.split(","):
        if backend == "sqlite":
            root = Path(tempfile.mkdtemp(prefix="clerk-bench-scans-"))
            per, ms = growth(f"sqlite:///{root / 'clerk.db'}", args.visits, root / "clerk.db.materials")
        else:
            with postgres_server() as url:
                per, ms = growth(url, args.visits, None)
        print(f"| {backend} | {per / 1024 / 1024:.2f} MB | {ms:.0f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
