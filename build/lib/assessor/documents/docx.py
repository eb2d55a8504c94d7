"""Our rendered HTML to an editable Word document (python-docx).

Headings become real Word heading styles (the document title uses "Title"; h2 to
h4 become Heading 1 to 3), lists use Word's list styles with numbering restarted
for each numbered list, and tables keep a repeating header row. Text is added
as plain runs, so nothing in it is interpreted, and without the PDF's invisible
break points, so an address copied out of Word is the address typed. No run is a
hyperlink.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from assessor.documents.html import SOFT_BREAK
from assessor.documents.tree import Node, Run, inline_runs, parse, split_blocks

FONT = "Arial"  # widely installed and covers Welsh (ŵ, ŷ) and accented letters
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
MUTED = RGBColor(0x5A, 0x64, 0x72)
FILLS = {"rag-red": "F6D3CF", "rag-amber": "FBE3B4", "rag-green": "D5ECD9"}
BOX_FILLS = {"emergency": "FBE4E1", "warning": "FDF0E6"}
HEADINGS = {"h2": 1, "h3": 2, "h4": 3}
Container = Document | _Cell


def html_to_docx(html: str) -> bytes:
    parsed = parse(html)
    doc = new_document()
    _setup(doc, parsed.head)
    _Writer(doc).blocks(doc, parsed.body, depth=0)
    buffer = io.BytesIO()
    doc.save(buffer)
    return _stable_zip(buffer.getvalue(), _date(parsed.head))


def _date(head: dict[str, str]) -> dt.date:
    try:
        return dt.date.fromisoformat(head.get("dcterms.created", ""))
    except ValueError:
        return dt.date(2000, 1, 1)


def _setup(doc: Document, head: dict[str, str]) -> None:
    head = {key: value.replace(SOFT_BREAK, "") for key, value in head.items()}
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Caption"):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.color.rgb = ACCENT if name != "Title" else RGBColor(0x1C, 0x24, 0x30)
    doc.styles["Heading 1"].font.size = Pt(14)
    doc.styles["Heading 2"].font.size = Pt(12)
    doc.styles["Heading 3"].font.size = Pt(10.5)

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin, section.bottom_margin = Mm(22), Mm(20)
    section.different_first_page_header_footer = True

    title = head.get("title", "")
    header = section.header.paragraphs[0]
    _small(header.add_run(title), MUTED)
    footer = section.footer.paragraphs[0]
    _small(footer.add_run(head.get("x-footer", "") + " · Page "), MUTED)
    _field(footer, "PAGE")
    _small(footer.add_run(" of "), MUTED)
    _field(footer, "NUMPAGES")
    first_footer = section.first_page_footer.paragraphs[0]
    _small(first_footer.add_run(head.get("x-footer", "")), MUTED)

    when = dt.datetime.combine(_date(head), dt.time(), tzinfo=dt.UTC)
    props = doc.core_properties
    props.title = title[:255]
    props.author = head.get("author", "")[:255]
    props.subject = head.get("description", "")[:255]
    props.comments = head.get("generator", "")
    props.last_modified_by = ""
    props.created = props.modified = when
    props.last_printed = when
    props.revision = 1


def _small(run, color: RGBColor | None = None) -> None:
    run.font.size = Pt(8)
    if color is not None:
        run.font.color.rgb = color


def _field(paragraph: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "16")
    rpr.append(size)
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _shading(fill: str) -> OxmlElement:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    return shading


def _shade(cell: _Cell, fill: str) -> None:
    cell._tc.get_or_add_tcPr().append(_shading(fill))


def _stable_zip(data: bytes, date: dt.date) -> bytes:
    """Rewrite the package with fixed entry dates, so equal input gives equal bytes."""
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


class _Writer:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.page_break = False

    # -- blocks ---------------------------------------------------------------

    def blocks(self, where: Container, node: Node, depth: int) -> None:
        for part in split_blocks(node):
            if isinstance(part, list):
                self.paragraph(where, inline_runs(part))
            else:
                self.block(where, part, depth)

    def block(self, where: Container, node: Node, depth: int) -> None:
        tag, classes = node.tag, node.classes
        if "page-break" in classes:
            self.page_break = True
        if tag == "h1":
            self.paragraph(where, inline_runs(node.children), style="Title")
        elif tag in HEADINGS:
            self.paragraph(where, inline_runs(node.children), style=f"Heading {HEADINGS[tag]}")
        elif tag == "p":
            style = "Subtitle" if "doc-subtitle" in classes else None
            para = self.paragraph(where, inline_runs(node.children), style=style)
            if classes & {"doc-org"}:
                for run in para.runs:
                    run.bold = True
                    run.font.color.rgb = ACCENT
            elif classes & {"doc-meta", "note", "small"}:
                for run in para.runs:
                    _small(run, MUTED)
        elif tag in ("ul", "ol"):
            self.list(where, node, depth)
        elif tag == "table":
            self.table(where, node)
        elif tag == "div" and classes & {"box", "overall"}:
            self.box(where, node)
        elif tag in ("colgroup", "col"):
            return
        else:  # header, section, div, main, figure ...
            self.blocks(where, node, depth)

    def paragraph(self, where: Container, runs: list[Run], style: str | None = None) -> Paragraph:
        para = where.add_paragraph(style=style)
        if self.page_break and isinstance(where, Document):
            para.paragraph_format.page_break_before = True
            self.page_break = False
        self.runs(para, runs)
        return para

    def runs(self, para: Paragraph, runs: list[Run]) -> None:
        for r in runs:
            if r.newline:
                para.add_run().add_break()
                continue
            run = para.add_run(r.text.replace(SOFT_BREAK, ""))  # Word breaks lines itself
            run.bold = r.bold or bool(r.classes & {"rag", "gap"}) or None
            run.italic = r.italic or None
            if r.small:
                _small(run, MUTED)
            fill = next((FILLS[c] for c in r.classes if c in FILLS), None)
            if fill and "rag" in r.classes:
                run._r.get_or_add_rPr().append(_shading(fill))

    # -- lists ----------------------------------------------------------------

    def list(self, where: Container, node: Node, depth: int) -> None:
        numbered = node.tag == "ol"
        level = min(depth, 1)
        style = ("List Number" if numbered else "List Bullet") + (" 2" if level else "")
        num_id = self._restart_numbering(style) if numbered else None
        for item in node.elements("li"):
            first = True
            for part in split_blocks(item):
                if isinstance(part, list):
                    para = self.paragraph(where, inline_runs(part), style=style if first else None)
                    if first and num_id is not None:
                        num_pr = para._p.get_or_add_pPr().get_or_add_numPr()
                        num_pr.get_or_add_ilvl().val = 0
                        num_pr.get_or_add_numId().val = num_id
                    if not first:
                        para.paragraph_format.left_indent = Mm(6.3 * (level + 1))
                    first = False
                elif part.tag in ("ul", "ol"):
                    self.list(where, part, depth + 1)
                else:
                    self.block(where, part, depth + 1)

    def _restart_numbering(self, style: str) -> int:
        """A new numbering instance for ``style`` that starts again at 1."""
        numbering = self.doc.part.numbering_part.element
        style_num = self.doc.styles[style].element.pPr.numPr.numId.val
        abstract_id = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId

    # -- tables ---------------------------------------------------------------

    def table(self, where: Container, node: Node) -> None:
        caption = node.find("caption")
        if caption is not None:
            self.paragraph(where, inline_runs(caption.children), style="Caption")
        rows: list[tuple[Node, bool]] = []
        for section in node.elements("thead", "tbody", "tfoot", "tr"):
            if section.tag == "tr":
                rows.append((section, False))
            else:
                rows.extend((tr, section.tag == "thead") for tr in section.elements("tr"))
        if not rows:
            return
        width = max(len(tr.elements("th", "td")) for tr, _ in rows)
        table = where.add_table(rows=0, cols=width)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        for tr, is_header in rows:
            row = table.add_row()
            if is_header:
                marker = OxmlElement("w:tblHeader")
                marker.set(qn("w:val"), "true")
                row._tr.get_or_add_trPr().append(marker)
            for cell, source in zip(row.cells, tr.elements("th", "td"), strict=False):
                self.cell(cell, source, bold=is_header or source.tag == "th")
                fill = next((FILLS[c] for c in source.classes if c in FILLS), None)
                if fill:
                    _shade(cell, fill)
                elif is_header:
                    _shade(cell, "DCE6F0")
        if isinstance(where, Document):
            self.doc.add_paragraph()

    def cell(self, cell: _Cell, source: Node, bold: bool) -> None:
        first_para = cell.paragraphs[0]
        used_first = False
        for part in split_blocks(source):
            if isinstance(part, list):
                runs = inline_runs(part)
                if bold:
                    runs = [Run(r.text, True, r.italic, r.small, r.classes, r.newline) for r in runs]
                if not used_first:
                    self.runs(first_para, runs)
                    used_first = True
                else:
                    self.runs(cell.add_paragraph(), runs)
            else:
                self.block(cell, part, depth=0)
        if used_first or len(cell.paragraphs) == 1:
            return
        # The cell began with a block (a list): drop the empty first paragraph.
        first_para._p.getparent().remove(first_para._p)

    def box(self, where: Container, node: Node) -> None:
        """A call-out: a one-cell shaded table."""
        table = where.add_table(rows=1, cols=1)
        table.style = self.doc.styles["Table Grid"]
        cell = table.rows[0].cells[0]
        fills = BOX_FILLS | FILLS
        fill = next((fills[c] for c in sorted(node.classes) if c in fills), "EEF3F8")
        _shade(cell, fill)
        self.blocks(cell, node, depth=0)
        if len(cell.paragraphs) > 1 and not cell.paragraphs[0].text:
            first = cell.paragraphs[0]._p
            first.getparent().remove(first)
        if isinstance(where, Document):
            self.doc.add_paragraph()
