"""跨域通办: handing a case over to the region that decides it, with proof (issue 29).

- ``keys``: the hall's SM2 key pair (国密, the ``gmssl`` library) and the partner halls'
  public keys the administrator installs (the trusted keys).
- ``packet``: one file carrying a signed manifest, the case's scanned materials and its
  notices; reading one checks, in order, the signature, every file's digests, the
  receiver, replay and order, before anything is written (``PacketRefused``).
- ``service``: ``ExchangeService``, the use cases: export a case or its status, import a
  packet (apply it through the case lifecycle), one transaction each, audited.

No UI here (docs/exchange.md).
"""
