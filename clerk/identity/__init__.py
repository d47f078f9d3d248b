"""Pure checks of identity and contact numbers, and masking (no I/O).

See docs/architecture.md (section identity).
"""

from clerk.identity.check import Check
from clerk.identity.contact import check_landline, check_mobile, check_phone, check_postcode
from clerk.identity.masking import mask_address, mask_id, mask_name, mask_phone, mask_uscc
from clerk.identity.resident_id import check_resident_id, id_check_char
from clerk.identity.uscc import check_uscc, uscc_check_char
from clerk.identity.waybill import check_waybill, s10_check_digit

__all__ = [
    "Check",
    "check_landline",
    "check_mobile",
    "check_phone",
    "check_postcode",
    "check_resident_id",
    "check_uscc",
    "check_waybill",
    "id_check_char",
    "mask_address",
    "mask_id",
    "mask_name",
    "mask_phone",
    "mask_uscc",
    "s10_check_digit",
    "uscc_check_char",
]
