"""A call's report for the Region (rendicontazione), computed from the ledger and the applications
(selectors), as a page, CSV, XLSX and PDF for the alliance's staff, mounted at /rendiconti/ under
the namespace `reports` (views, urls)."""
