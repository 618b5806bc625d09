"""A directory of broken and hostile input files, for the "every input answered" tests and benchmarks/fuzz.py.

`make_hostile_files(dir)` writes 230 inputs (files, directories and a dangling name) and returns their paths in
a fixed order. Each exists to break one assumption of a reader or parser: empty, binary garbage under every
extension, truncated .docx/.pdf, zip bombs (declared and forged sizes), an encrypted PDF, NUL bytes, lone
surrogates in UTF-16, wrong extensions, directories, a 5 MB single line, 50,000 nested numbering markers,
20,000 unclosed 《, and a tail of seeded random 公文-like text.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zipfile
from pathlib import Path

from fixtures_docs import FAZHI_REPORT, make_cjk_pdf, make_sample_docx

N_FILES = 230
_EXTS = (".txt", ".md", ".docx", ".pdf")
_PIECES = ["一、", "（一）", "1.", "（1）", "①", "第一条", "第二章", "《", "》", "〔2024〕", "号", "\n", "特此报告。",
           "《中华人民共和国安全生产法》", "第二十五条", "2024年3月1日", "附件：", "抄送：", "\x00", "\ufeff",
           "\u202e", "　", "�", "《《", "》》", "第", "条", "款", "项", "关于", "的报告", "依据", "X" * 50]


def _docx_bytes(tmp: Path) -> bytes:
    return make_sample_docx(tmp / "_sample.docx").read_bytes()


def _pdf_bytes(tmp: Path) -> bytes:
    return make_cjk_pdf(tmp / "_sample.pdf", FAZHI_REPORT.splitlines()[:20]).read_bytes()


def _zip_bomb(declared_small: bool) -> bytes:
    """A .docx whose document.xml inflates to 400 MB; with `declared_small` the headers claim 1 KB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as f:
            block = b"\x00" * (1 << 20)
            for _ in range(400):
                f.write(block)
    data = bytearray(buf.getvalue())
    if declared_small:
        _forge_sizes(data, b"word/document.xml", 1024)
    return bytes(data)


def _forge_sizes(data: bytearray, name: str | bytes, size: int) -> None:
    """Rewrite the uncompressed size of member `name` in its local header and central directory entry (the
    zip64 extra field, when present, too), leaving the compressed stream as it is."""
    name = name.encode() if isinstance(name, str) else name
    for sig, off_size, off_name_len in ((b"PK\x03\x04", 22, 26), (b"PK\x01\x02", 24, 28)):
        pos = 0
        while (pos := data.find(sig, pos)) != -1:
            n_len, x_len = struct.unpack_from("<HH", data, pos + off_name_len)
            head = 30 if sig == b"PK\x03\x04" else 46
            if data[pos + head: pos + head + n_len] == name:
                struct.pack_into("<I", data, pos + off_size, size)
                extra = pos + head + n_len
                end = extra + x_len
                while extra + 4 <= end:
                    tag, length = struct.unpack_from("<HH", data, extra)
                    if tag == 1 and length >= 8:  # zip64: uncompressed size comes first
                        struct.pack_into("<Q", data, extra + 4, size)
                    extra += 4 + length
            pos += 4


def _many_members() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("word/document.xml", "<w:document xmlns:w='x'/>")
        for i in range(20000):
            zf.writestr(f"junk/{i}.xml", "")
    return buf.getvalue()


def _docx_with(document_xml: str, tmp: Path) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(_docx_bytes(tmp)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in src.infolist():
            data = document_xml.encode() if item.filename == "word/document.xml" else src.read(item)
            zf.writestr(item, data)
    return out.getvalue()


def _encrypted_pdf(tmp: Path, password: str) -> bytes:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(_pdf_bytes(tmp)))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _utf16_lone_surrogates(big_endian: bool, bom: bool) -> bytes:
    text = FAZHI_REPORT[:200].encode("utf-16-be" if big_endian else "utf-16-le")
    lone = b"\xd8\x3d" if big_endian else b"\x3d\xd8"  # a high surrogate with no low one after it
    body = text[:40] + lone + text[40:120] + lone + lone + text[120:]
    if bom:
        body = (b"\xfe\xff" if big_endian else b"\xff\xfe") + body
    return body


def _named(tmp: Path) -> list[tuple[str, bytes | None]]:
    """(file name, content); content None makes a directory."""
    docx, pdf = _docx_bytes(tmp), _pdf_bytes(tmp)
    rnd = random.Random(14)
    items: list[tuple[str, bytes | None]] = []
    for ext in _EXTS:
        items.append((f"empty{ext}", b""))
        items.append((f"spaces{ext}", b" \n\t\r\n\xe3\x80\x80\n"))
        for i in range(5):
            items.append((f"garbage{i}{ext}", rnd.randbytes(rnd.choice([1, 7, 512, 40000, 300000]))))
    for frac in (0.05, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.97, 0.999):
        items.append((f"truncated_{int(frac * 1000)}.docx", docx[: int(len(docx) * frac)]))
        items.append((f"truncated_{int(frac * 1000)}.pdf", pdf[: int(len(pdf) * frac)]))
    items += [
        ("zipbomb_declared.docx", _zip_bomb(False)),
        ("zipbomb_forged_sizes.docx", _zip_bomb(True)),
        ("zip_20000_members.docx", _many_members()),
        ("encrypted.pdf", _encrypted_pdf(tmp, "secret")),
        ("encrypted_empty_password.pdf", _encrypted_pdf(tmp, "")),
        ("nul_sprinkled.txt", FAZHI_REPORT.encode()[:600].replace(b"\xe3", b"\x00\xe3", 30)),
        ("all_nul.txt", b"\x00" * 100000),
        ("nul_lines.md", b"\x00\n" * 5000),
        ("nul_in_gbk.txt", FAZHI_REPORT[:300].encode("gb18030") + b"\x00\x00" + FAZHI_REPORT[300:600].encode("gb18030")),
        ("nul_header.txt", b"\x00\x00\x00\x00" + FAZHI_REPORT.encode()),
        ("utf16le_lone_surrogate_bom.txt", _utf16_lone_surrogates(False, True)),
        ("utf16be_lone_surrogate_bom.txt", _utf16_lone_surrogates(True, True)),
        ("utf16le_lone_surrogate.txt", _utf16_lone_surrogates(False, False)),
        ("utf16be_lone_surrogate.md", _utf16_lone_surrogates(True, False)),
        ("utf8_encoded_surrogate.txt", "依据《安全生产法》".encode() + b"\xed\xa0\xbd" + "第二条".encode()),
        ("pdf_named.docx", pdf), ("docx_named.pdf", docx), ("docx_named.txt", docx), ("pdf_named.md", pdf),
        ("png_named.pdf", b"\x89PNG\r\n\x1a\n" + rnd.randbytes(2000)),
        ("ole_named.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rnd.randbytes(4000)),
        ("exe_named.txt", b"MZ\x90\x00" + rnd.randbytes(5000)),
        ("folder.docx", None), ("folder.txt", None), ("plain_folder", None),
        ("no_extension", FAZHI_REPORT.encode()), ("report.doc", b"\xd0\xcf\x11\xe0" + rnd.randbytes(100)),
        ("single_line_5mb.txt", ("依据《中华人民共和国安全生产法》第二十五条，" * 120000)[: 5 * 1024 * 1024 // 3].encode()),
        ("nested_numbering_50000.txt", "\n".join(("一、", "（一）", "1.", "（1）", "①")[i % 5] + "关于" * (i % 3)
                                                 for i in range(50000)).encode()),
        ("numbering_one_line_50000.txt", ("（一）1.（1）①" * 10000).encode()),
        ("unclosed_20000.txt", ("依据《" * 20000).encode()),
        ("unclosed_lines_20000.txt", "\n".join("《中华人民共和国" + "安全" * (i % 7) for i in range(20000)).encode()),
        ("unopened_20000.txt", ("》第二十五条" * 20000).encode()),
        ("nested_brackets.txt", ("《" * 5000 + "安全生产法" + "》" * 5000).encode()),
        ("articles_20000.txt", ("《安全生产法》第" + "十" * 30 + "条、") .encode() * 2000),
        ("control_chars.txt", bytes(range(1, 32)) * 300 + FAZHI_REPORT.encode()),
        ("rtl_and_emoji.txt", ("\u202e依据《安全生产法》🙂\u200b\u200d第二十五条\n" * 500).encode()),
        ("combining.txt", ("《安" + "\u0301" * 200 + "全生产法》\n").encode() * 200),
        ("big5.txt", "依據《中華人民共和國安全生產法》第二十五條".encode("big5") * 50),
        ("gbk_report.txt", FAZHI_REPORT.encode("gbk")),
        ("gb18030_mixed_utf8.txt", FAZHI_REPORT[:400].encode("gb18030") + FAZHI_REPORT[400:].encode()),
        ("latin1.txt", "Société générale - café".encode("latin-1") * 100),
        ("crlf_cr_only.txt", FAZHI_REPORT.replace("\n", "\r").encode()),
        ("bom_only.txt", b"\xef\xbb\xbf"), ("utf32_bom.txt", "\ufeff依据《安全生产法》".encode("utf-32")),
        ("docx_bad_xml.docx", _docx_with("<w:document><w:body><w:p>", tmp)),
        ("docx_deep_xml.docx", _docx_with("<a>" * 3000 + "</a>" * 3000, tmp)),
        ("docx_no_document.docx", _zip_of({"word/other.xml": b"<x/>"})),
        ("docx_empty_zip.docx", _zip_of({})),
        ("pdf_header_only.pdf", b"%PDF-1.7\n%%EOF\n"),
        ("pdf_broken_xref.pdf", pdf.replace(b"xref", b"xre!")),
        ("pdf_no_pages.pdf", b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"),
    ]
    return items


def _zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def random_gongwen(rnd: random.Random, n: int) -> str:
    """Text built from 公文 fragments and noise: numbering, 《》, article numbers, dates, NUL, BOM, RTL marks."""
    out = []
    for _ in range(n):
        if rnd.random() < 0.7:
            out.append(rnd.choice(_PIECES))
        else:
            out.append("".join(chr(rnd.choice([rnd.randint(0x4E00, 0x9FA5), rnd.randint(0x20, 0x7E),
                                                 rnd.randint(0x3000, 0x303F)])) for _ in range(rnd.randint(1, 12))))
    return "".join(out)


def make_hostile_files(directory: Path, n: int = N_FILES) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    work = directory / "_work"
    work.mkdir(exist_ok=True)
    items = _named(work)
    rnd = random.Random(1414)
    i = 0
    while len(items) < n - 1:
        ext = _EXTS[i % 2]  # .txt / .md: random 公文-like text, in a random encoding
        text = random_gongwen(rnd, rnd.choice([5, 50, 500, 3000]))
        enc = rnd.choice(["utf-8", "gb18030", "utf-16"])
        items.append((f"random_{i:03d}{ext}", text.encode(enc, "surrogatepass" if enc != "gb18030" else "replace")))
        i += 1
    paths = []
    for name, data in items[: n - 1]:
        p = directory / name
        if data is None:
            p.mkdir(exist_ok=True)
        else:
            p.write_bytes(data)
        paths.append(p)
    paths.append(directory / "does_not_exist.docx")  # a name that is not there at all
    for leftover in work.iterdir():
        leftover.unlink()
    work.rmdir()
    assert len(paths) == n and len(set(paths)) == n
    return paths


if __name__ == "__main__":  # python tests/hostile_files.py DIR: write the set for manual runs
    import sys

    for path in make_hostile_files(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")):
        print(path, os.path.getsize(path) if path.is_file() else "-")
