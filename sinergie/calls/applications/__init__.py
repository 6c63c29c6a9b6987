"""Applying to a call: the draft, submission with a protocol number, withdrawal and documents
(services), the application form generated from the call's design (forms), the applicant's and
the assisting operator's pages, the receipt and the published ranking by protocol number (views,
receipt_views), mounted at /domande/ under the namespace `applications` (urls)."""
