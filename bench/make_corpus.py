#!/usr/bin/env python3
"""Makes a synthetic selection of N cases for the benchmarks: the content folder that `generator build` reads and
that the Hugo site in bench/hugo-site reads too (same files, same pages).

Each case: YAML front matter like the sample's, ~600 words of mixed Chinese and English Markdown, and 4 photos of
1600x1200 JPEG. With --distinct-photos every photo has its own bytes (what a photo benchmark needs: no cache or
de-duplication can skip one); without it, all cases share 4 photo files by hard link (pages-only benchmarks never
open them, and making 20,000 distinct photos would take longer than the benchmark).

Usage: python3 bench/make_corpus.py N OUT_DIR [--distinct-photos]   (needs Pillow)
"""
import io
import multiprocessing
import os
import random
import shutil
import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
CATEGORIES = ["infrastructure", "applications", "data-resources", "cybersecurity", "it-industry", "talent",
              "digital-literacy", "mechanisms"]
DOMAINS = ["smart-city", "big-data", "digital-city", "internet-plus", "ai-plus", "industrial-internet"]
ZH = ("建设 推进 信息 技术 应用 平台 数据 服务 城市 智慧 网络 安全 产业 创新 企业 市民 政务 共享 开放 治理 "
      "运营 系统 管理 协同 效率 提升 实现 覆盖 全市 部门 基层 社区 工业 互联网 人工智能 大数据 云计算 物联网").split()
EN = ("platform data cloud service network open API edge model pipeline dashboard sensor latency throughput "
      "integration governance security analytics mobile payment").split()


def credit_code(r):
    body = "91370200" + "".join(r.choice(ALPHABET) for _ in range(9))
    return body + ALPHABET[(31 - sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS)) % 31) % 31]


def sentence(r, words):
    parts = []
    for _ in range(words):
        parts.append(r.choice(EN) if r.random() < 0.2 else r.choice(ZH))
    text = ""
    for a, b in zip(parts, parts[1:] + [""]):
        text += a + (" " if (a.isascii() or b.isascii()) and b else "")
    return text + "。"


def body(r):
    out = []
    for heading in ("建设背景", "主要做法", "应用成效"):
        out.append(f"## {heading}\n")
        for _ in range(3):
            out.append("".join(sentence(r, 12) for _ in range(4)) + "\n")
        out.append("\n".join(f"- **{r.choice(ZH)}{r.choice(ZH)}**：{sentence(r, 8)}" for _ in range(3)) + "\n")
    return "\n".join(out)


def base_photo(r):
    img = Image.new("RGB", (1600, 1200), (r.randrange(256), r.randrange(256), r.randrange(256)))
    d = ImageDraw.Draw(img)
    for _ in range(40):
        x, y = r.randrange(1600), r.randrange(1200)
        d.rectangle([x, y, x + r.randrange(400), y + r.randrange(300)], fill=(r.randrange(256), r.randrange(256), r.randrange(256)))
    return img


def jpeg(img):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


_BASES = None


def bases():
    """The 8 base pictures, the same in every process (seeded)."""
    global _BASES
    if _BASES is None:
        _BASES = [base_photo(random.Random(20200822 + b)) for b in range(8)]
    return _BASES


def distinct_photos(job):
    """Writes the 4 photos of case k, each with its own bytes (runs in a worker process)."""
    case, k = job
    for i in range(4):
        img = bases()[(k + i) % 8].copy()
        ImageDraw.Draw(img).rectangle([k % 1500, i * 200, k % 1500 + 100, i * 200 + 100], fill=(k % 256, i * 60, 90))
        (Path(case) / f"photo-{i + 1}.jpg").write_bytes(jpeg(img))


def main():
    n, out = int(sys.argv[1]), Path(sys.argv[2])
    distinct = "--distinct-photos" in sys.argv
    r = random.Random(20200822)
    content = out / "content"
    shutil.rmtree(out, ignore_errors=True)
    (content / "cases").mkdir(parents=True)
    site = (ROOT / "content/site.yaml").read_text(encoding="utf-8")
    site = site[: site.index("featured:")]
    (content / "site.yaml").write_text(site, encoding="utf-8")
    shared = out / "shared-photos"
    shared.mkdir()
    for i in range(4):
        (shared / f"photo-{i + 1}.jpg").write_bytes(jpeg(bases()[i]))
    photo_jobs = []
    for k in range(1, n + 1):
        case = content / "cases" / f"case-{k:05d}"
        case.mkdir()
        applicant = f"青岛{r.choice(ZH)}{r.choice(ZH)}科技有限公司{k}"
        images = ""
        for i in range(4):
            name = f"photo-{i + 1}.jpg"
            if not distinct:
                os.link(shared / name, case / name)
            images += f"  - file: {name}\n    caption: {sentence(r, 4)[:-1]}\n"
        front = (f"---\ntitle: {sentence(r, 5)[:-1][:30]}{k}\napplicant: {applicant}\nrecommender: 市南区\n"
                 f"category: {CATEGORIES[k % len(CATEGORIES)]}\ndomain: {DOMAINS[k % len(DOMAINS)]}\n"
                 f"launched: 2019-{1 + k % 12:02d}-{1 + k % 28:02d}\nsummary: {sentence(r, 30)}\nimages:\n{images}"
                 f"credit_code: {credit_code(r)}\nsubmitted: 2020-07-{10 + k % 20:02d}\n"
                 f"contact:\n  name: 张三\n  phone: 0532-8591{k % 10000:04d}\n---\n\n")
        (case / "index.md").write_text(front + body(r), encoding="utf-8")
        if distinct:
            photo_jobs.append((str(case), k))
    with multiprocessing.Pool() as pool:
        pool.map(distinct_photos, photo_jobs, chunksize=64)
    print(f"{n} cases in {content} ({'distinct' if distinct else 'shared'} photos)")


if __name__ == "__main__":
    main()
