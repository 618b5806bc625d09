"""The effective formatting of a .docx paragraph or run, as Word resolves it: direct formatting, then the
character style, the paragraph style and its basedOn chain, then the document defaults, with theme fonts
(minorEastAsia …) looked up in the theme. Used by the layout check (assistant/rules/layout.py).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.documents.word import iter_body
from assistant.errors import DocumentError

EMU_PER_MM = 36000
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SKIP = {f"{{{_W}}}del", f"{{{_W}}}moveFrom", f"{{{_W}}}txbxContent", f"{{{_W}}}instrText"}
_JC = {"start": "left", "left": "left", "end": "right", "right": "right", "center": "center", "both": "justify",
       "distribute": "distribute"}


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def is_cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or "\uf900" <= c <= "\ufaff"


def load_docx(path: Path) -> Any:
    """python-docx Document, or DocumentError with a Chinese message (never a library traceback)."""
    import docx

    try:
        return docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise DocumentError(f"无法读取 Word 文件“{path.name}”的版式：{type(err).__name__}") from None
    except Exception as err:  # lxml and python-docx raise many types on malformed packages
        raise DocumentError(f"无法读取 Word 文件“{path.name}”的版式：文件已损坏（{type(err).__name__}）") from None


def paragraph_elements(document: Any) -> dict[int, Any]:
    """Paragraph number (as documents.word.read_docx counts: body paragraphs and table rows) → w:p element."""
    out: dict[int, Any] = {}
    for counter, (kind, el) in enumerate(iter_body(document.element.body), 1):
        if kind == "p":
            out[counter] = el
    return out


def section_grid_pitch_pt(document: Any) -> float | None:
    """The line pitch of the first section's document grid, when it has a line grid."""
    sect = document.element.body.find(_w("sectPr"))
    grid = sect.find(_w("docGrid")) if sect is not None else None
    if grid is None or grid.get(_w("type")) not in ("lines", "linesAndChars", "snapToChars"):
        return None
    pitch = grid.get(_w("linePitch"))
    return int(pitch) / 20 if pitch and pitch.lstrip("-").isdigit() else None


class StyleResolver:
    def __init__(self, document: Any) -> None:
        self.styles: dict[str, Any] = {}
        self.default_para: str | None = None
        root = document.styles.element
        for st in root.iterchildren(_w("style")):
            sid = st.get(_w("styleId"))
            if sid:
                self.styles[sid] = st
                if st.get(_w("type")) == "paragraph" and st.get(_w("default")) in ("1", "true", "on"):
                    self.default_para = sid
        defaults = root.find(_w("docDefaults"))
        self.default_rpr = defaults.find(f"{_w('rPrDefault')}/{_w('rPr')}") if defaults is not None else None
        self.default_ppr = defaults.find(f"{_w('pPrDefault')}/{_w('pPr')}") if defaults is not None else None
        self.theme = _theme_fonts(document)
        self._chains: dict[tuple[str | None, str], list[Any]] = {}

    # --- chains of property elements, nearest first ------------------------------------------------------

    def _style_chain(self, sid: str | None, tag: str) -> list[Any]:
        key = (sid, tag)
        if key not in self._chains:
            out, seen = [], set()
            while sid and sid in self.styles and sid not in seen:
                seen.add(sid)
                el = self.styles[sid].find(_w(tag))
                if el is not None:
                    out.append(el)
                based = self.styles[sid].find(_w("basedOn"))
                sid = based.get(_w("val")) if based is not None else None
            self._chains[key] = out
        return self._chains[key]

    def _para_style(self, p_el: Any) -> str | None:
        ppr = p_el.find(_w("pPr"))
        ps = ppr.find(_w("pStyle")) if ppr is not None else None
        return ps.get(_w("val")) if ps is not None else self.default_para

    def _ppr_chain(self, p_el: Any) -> list[Any]:
        chain = [p_el.find(_w("pPr"))] + self._style_chain(self._para_style(p_el), "pPr") + [self.default_ppr]
        return [el for el in chain if el is not None]

    def _rpr_chain(self, p_el: Any, r_el: Any) -> list[Any]:
        rpr = r_el.find(_w("rPr"))
        rstyle = rpr.find(_w("rStyle")) if rpr is not None else None
        chain = [rpr]
        if rstyle is not None:
            chain += self._style_chain(rstyle.get(_w("val")), "rPr")
        chain += self._style_chain(self._para_style(p_el), "rPr") + [self.default_rpr]
        return [el for el in chain if el is not None]

    # --- run properties ---------------------------------------------------------------------------------

    def font(self, chain: list[Any]) -> str | None:
        """The East Asian font name; when no level names one, the Latin font (what a Chinese reader sees
        when the file only says "Calibri")."""
        for attrs in (("eastAsiaTheme", "eastAsia"), ("asciiTheme", "ascii")):
            for rpr in chain:
                rfonts = rpr.find(_w("rFonts"))
                if rfonts is None:
                    continue
                theme = rfonts.get(_w(attrs[0]))
                if theme:
                    name = self.theme.get(theme)
                    if name:
                        return name
                    continue
                name = rfonts.get(_w(attrs[1]))
                if name:
                    return name
        return None

    @staticmethod
    def size(chain: list[Any]) -> float | None:
        for rpr in chain:
            sz = rpr.find(_w("sz"))
            if sz is not None and (sz.get(_w("val")) or "").isdigit():
                return int(sz.get(_w("val"))) / 2
        return 10.0  # Word's built-in default when no level sets a size

    def text_runs(self, p_el: Any) -> list[tuple[str, str | None, float | None]]:
        """(text, East Asian font, size) of each run with visible text, in order."""
        out = []
        for r_el in _runs(p_el):
            text = "".join(t.text or "" for t in r_el.iterchildren(_w("t")))
            if text.strip():
                chain = self._rpr_chain(p_el, r_el)
                out.append((text, self.font(chain), self.size(chain)))
        return out

    def size_of_field(self, p_el: Any) -> float | None:
        runs = self.text_runs(p_el)
        digits = [size for text, _, size in runs if any(c.isdigit() for c in text)]
        return (digits or [size for _, _, size in runs] or [None])[0]

    # --- paragraph properties ---------------------------------------------------------------------------

    def alignment(self, p_el: Any) -> str:
        for ppr in self._ppr_chain(p_el):
            jc = ppr.find(_w("jc"))
            if jc is not None and jc.get(_w("val")):
                return _JC.get(jc.get(_w("val")), jc.get(_w("val")))
        return "left"

    def line_spacing(self, p_el: Any) -> tuple[float | None, str, bool]:
        """(value, rule, snaps to grid): value in pt for exact/atLeast, a multiple of single for auto."""
        value, rule = None, "auto"
        for ppr in self._ppr_chain(p_el):
            sp = ppr.find(_w("spacing"))
            line = sp.get(_w("line")) if sp is not None else None
            if line and line.lstrip("-").isdigit():
                rule = sp.get(_w("lineRule")) or "auto"
                value = int(line) / 20 if rule in ("exact", "atLeast") else int(line) / 240
                break
        snaps = True
        for ppr in self._ppr_chain(p_el):
            snap = ppr.find(_w("snapToGrid"))
            if snap is not None:
                snaps = snap.get(_w("val"), "1") not in ("0", "false", "off")
                break
        return value, rule, snaps


def _runs(p_el: Any) -> list[Any]:
    out: list[Any] = []

    def walk(el: Any) -> None:
        for child in el.iterchildren():
            if not isinstance(child.tag, str) or child.tag in _SKIP:
                continue
            if child.tag == _w("r"):
                out.append(child)
            elif child.tag != _w("pPr"):
                walk(child)

    walk(p_el)
    return out


def _theme_fonts(document: Any) -> dict[str, str]:
    """minorEastAsia / majorEastAsia / minorHAnsi … → typeface (the ea typeface, else the Hans script font)."""
    try:
        theme_part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/theme"))
        from lxml import etree

        root = etree.fromstring(theme_part.blob)
    except Exception:  # no theme part, or an unreadable one: theme fonts stay unresolved
        return {}
    out: dict[str, str] = {}
    for kind in ("minor", "major"):
        font = root.find(f".//{{{_A}}}{kind}Font")
        if font is None:
            continue
        latin, ea = font.find(f"{{{_A}}}latin"), font.find(f"{{{_A}}}ea")
        hans = next((f.get("typeface") for f in font.iterchildren(f"{{{_A}}}font") if f.get("script") == "Hans"),
                    None)
        if latin is not None and latin.get("typeface"):
            out[f"{kind}HAnsi"] = out[f"{kind}Ascii"] = latin.get("typeface")
        east = (ea.get("typeface") if ea is not None else None) or hans
        if east:
            out[f"{kind}EastAsia"] = east
    return out


@dataclass
class FooterInfo:
    has_page_field: bool
    text: str
    page_paragraph: Any  # the w:p holding the PAGE field (or the first paragraph)


def footer_parts(document: Any) -> dict[str, FooterInfo]:
    """The first section's footers by type (default, even, first)."""
    sect = document.element.body.find(_w("sectPr"))
    if sect is None:
        return {}
    out: dict[str, FooterInfo] = {}
    for ref in sect.iterchildren(_w("footerReference")):
        rid = ref.get(f"{{{_R}}}id")
        try:
            part = document.part.related_parts[rid]
            root = part.element
        except (KeyError, AttributeError):
            continue
        paragraphs = list(root.iter(_w("p")))
        page_p = next((p for p in paragraphs if _has_page_field(p)), None)
        text = "".join(t.text or "" for t in root.iter(_w("t")))
        out[ref.get(_w("type"), "default")] = FooterInfo(page_p is not None, text,
                                                        page_p if page_p is not None else
                                                        (paragraphs[0] if paragraphs else root))
    return out


def _has_page_field(p_el: Any) -> bool:
    for fld in p_el.iter(_w("fldSimple")):
        if "PAGE" in (fld.get(_w("instr")) or "").upper().split():
            return True
    return any("PAGE" in (it.text or "").upper().split() for it in p_el.iter(_w("instrText")))
