"""Catalog objects built in code for tests that need a few items, not a folder."""

from __future__ import annotations

from clerk.catalog import Delivery, ItemKind, LimitUnit, Material, MaterialForm, Need, ServiceItem

ID_CARD = Material("id-card", "身份证", MaterialForm.ORIGINAL, 1, Need.REQUIRED, False, "原件。")


def make_item(
    code: str, name: str, aliases: tuple[str, ...] = (), promised: int = 5,
    promised_unit: LimitUnit = LimitUnit.WORKING_DAYS,
) -> ServiceItem:
    return ServiceItem(
        code=code, name=name, department="区卫生健康局", kind=ItemKind.PROMISED,
        statutory_days=20, promised_days=promised, fee="不收费", result_name="许可证",
        deliveries=(Delivery.EMS,), phone="0531-88888888", materials=(ID_CARD,),
        aliases=aliases, promised_unit=promised_unit,
    )
