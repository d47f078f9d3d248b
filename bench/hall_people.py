"""Applicant data of the hall simulation: lives in clerk.ops.people (``clerk demo`` uses it too)."""

from clerk.ops.people import address, applicant, mobile, person_name, resident_id, uscc, waybill

__all__ = ["address", "applicant", "mobile", "person_name", "resident_id", "uscc", "waybill"]
