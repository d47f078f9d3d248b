"""A small catalog with 告知承诺 marks: an item run on commitment (a 即办件), materials a
commitment may replace, and a bundle where only one item allows it for a material."""

from __future__ import annotations

MATERIALS = """\
materials:
  - key: id-card
    name: 申请人居民身份证
    form: 原件
    copies: 1
    requirement: 身份证原件。
  - key: no-crime
    name: 无犯罪记录证明
    form: 原件
    copies: 1
    requirement: 户籍地或居住地公安机关出具的无犯罪记录证明。
  - key: health
    name: 从业人员健康证明
    form: 复印件
    copies: 1
    requirement: 直接为顾客服务的从业人员的健康证明。
"""

HEAD = """\
  - code: "{code}"
    name: 测试事项{code}
    department: 区卫生健康局
    kind: {kind}
    statutory_days: 20
    promised_days: {promised}
    fee: 不收费
    result: 许可证
    delivery: [EMS邮寄]
    phone: 0531-88888888
"""


def head(code: str, *, kind: str = "承诺件", promised: str = "5") -> str:
    if kind == "即办件":
        return HEAD.format(code=code, kind=kind, promised="0\n    promised_unit: 即办")
    return HEAD.format(code=code, kind=kind, promised=promised)


GOOD = MATERIALS + "items:\n" + head("A-1", kind="即办件") + """\
    commitment:
      replaces: 审批前现场核查
      method: 现场核查
      within: 30日
      sample: 20%
      basis: 经营场所和设施符合《公共场所卫生管理条例》规定的卫生要求
    materials:
      - ref: id-card
      - ref: no-crime
        commitment: {method: 数据核查, within: 20}
      - ref: health
        commitment: {replaces: 健康合格证明, method: 部门协查, within: 二十个工作日, sample: 50}
""" + head("A-2") + """\
    materials:
      - ref: id-card
      - ref: no-crime
        commitment: {method: 数据核查, within: 10, sample: 30}
      - ref: health
bundles:
  - code: "B-1"
    name: 测试一件事
    items: ["A-1", "A-2"]
"""
