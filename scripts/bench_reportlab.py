"""The same 200 certificates with Python reportlab, for the side-by-side in
scripts/bench-print.sh. reportlab cannot embed CFF fonts (Noto CJK), so both sides use
WenQuanYi Micro Hei here. Layout mirrors src/report/certificate.rs: frame, spaced title,
measured and wrapped body, issuer and date, serial line.

usage: python bench_reportlab.py AWARDS_JSON OUT_PDF
"""
import json
import sys
import time

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
NO_START = set("。，、；：？！）》」』】…—")
BODY = "{姓名}：\n　　经{学校}推荐、专家评审，被评为{年度}年度“{称号}”。\n　　特发此证，以资鼓励。"


def wrap(text, width, size):
    lines = []
    for para in text.split("\n"):
        line = ""
        for ch in para:
            if pdfmetrics.stringWidth(line + ch, "W", size) > width and line:
                if ch in NO_START:
                    lines.append(line[:-1])
                    line = line[-1]
                else:
                    lines.append(line)
                    line = ""
            line += ch
        lines.append(line)
    return lines


def render(awards, out):
    pdfmetrics.registerFont(TTFont("W", FONT, subfontIndex=0))
    w, h = landscape(A4)
    c = canvas.Canvas(out, pagesize=(w, h), invariant=1)
    for a in awards:
        c.setLineWidth(2.2)
        c.rect(10 * mm, 10 * mm, w - 20 * mm, h - 20 * mm)
        c.setLineWidth(0.6)
        c.rect(13 * mm, 13 * mm, w - 26 * mm, h - 26 * mm)
        c.setFont("W", 42)
        c.drawCentredString(w / 2, h - 40 * mm - 42, "荣 誉 证 书")
        body = (BODY.replace("{姓名}", a["name"]).replace("{学校}", a["university"])
                .replace("{年度}", str(a["year"])).replace("{称号}", a["category"]))
        y = h - 40 * mm - 42 - 14 * mm - 22
        c.setFont("W", 22)
        for line in wrap(body, w - 76 * mm, 22):
            c.drawString(38 * mm, y, line)
            y -= 22 * 1.7
        c.setFont("W", 18)
        c.drawCentredString(w - 83 * mm, 62 * mm - 18, "高校党建工作评审委员会")
        c.setFont("W", 16)
        c.drawCentredString(w - 83 * mm, 50 * mm - 18, "二〇二六年十一月三十日")
        c.setFont("W", 9)
        c.drawString(22 * mm, 19 * mm, f"证书编号 {a['serial']}　验证码 {a['code']}")
        c.showPage()
    c.save()


def main():
    awards = json.load(open(sys.argv[1], encoding="utf-8"))
    out = sys.argv[2]
    render(awards, out)  # warm, like the Rust side
    best = None
    for _ in range(3):
        t = time.perf_counter()
        render(awards, out)
        d = time.perf_counter() - t
        best = d if best is None else min(best, d)
    import os
    print(json.dumps({"what": "200 certificates, reportlab, WenQuanYi Micro Hei",
                      "seconds": round(best, 3), "bytes": os.path.getsize(out), "file": out},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
