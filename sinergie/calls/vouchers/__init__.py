"""The beneficiary's voucher wallet and the provider's redemption desk, mounted at /buoni/ under
the namespace `vouchers` (forms, views, urls). The money services (issue, redeem, cancel,
expire) stay in `calls/services.py`, next to the ledger they post to."""
