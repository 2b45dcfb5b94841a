"""Generates a province-sized batch of nomination workbooks for the import benchmark.

python3 bench/make_workbooks.py OUT_DIR [FILES=200] [ROWS_PER_FILE=100]
Written with openpyxl (write-only mode), so PanelDesk reads files it did not write.
"""

import datetime
import os
import sys

from openpyxl import Workbook

out = sys.argv[1]
files = int(sys.argv[2]) if len(sys.argv) > 2 else 200
rows = int(sys.argv[3]) if len(sys.argv) > 3 else 100
os.makedirs(out, exist_ok=True)

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def idn(first17):
    return first17 + "10X98765432"[sum(int(d) * k for d, k in zip(first17, W)) % 11]


def birth(n):
    """A birth date per thousand students, so every ID number in the batch is unique."""
    day = datetime.date(2000, 1, 1) + datetime.timedelta(days=n // 1000)
    return day.strftime("%Y%m%d")


HEAD = ["推荐单位", "姓名", "性别", "民族", "出生年月", "院系", "专业", "学历层次", "培养方式", "政治面貌",
        "入党时间", "转正时间", "学号", "身份证号", "主要事迹", "联系人", "联系电话", "材料"]

for f in range(files):
    uni = f"第{f + 1:03d}大学"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("推荐汇总表")
    ws.append(["2026年大学生党员标兵推荐汇总表"])
    ws.append(["填表说明：每行一人"])
    ws.append(HEAD)
    for r in range(rows):
        n = f * rows + r
        ws.append([uni, f"学生{n:05d}", "女" if n % 2 else "男", "汉族", "2003.07", "文学院", "汉语言文学",
                   "本科", "全日制", "中共党员", "2021.07", "2022.07", f"2021{n:06d}",
                   idn(f"110105{birth(n)}{n % 1000:03d}"), "组织志愿服务 200 余小时。" * 5,
                   "王老师", 13800000000 + n, "推荐表.pdf；事迹材料.docx"])
    wb.save(os.path.join(out, f"{uni}.xlsx"))
print(f"{files} workbooks, {files * rows} nominations in {out}")
