"""Capturing the materials an applicant hands over at the window (issue 26).

UI-free: the window calls these in a worker.  ``clerk.capture.sources`` takes a
page from a scanner (SANE ``scanimage``), a document camera's drop folder or a
file; ``clerk.capture.pages`` checks it against the limits, deduplicates it and
makes each material's pages one PDF (img2pdf), the ``MaterialFile`` of
``clerk.domain.scans`` that ``IntakeDraft.files`` carries to the store.
"""
