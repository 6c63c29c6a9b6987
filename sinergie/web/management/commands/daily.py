"""`sinergie daily`: the once-a-day jobs — run it from cron or a systemd timer, after midnight.

Each job is idempotent, so running it twice, or late, changes nothing more.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the daily jobs: expire vouchers past their validity, remind labels about to end."

    def handle(self, *args: Any, **options: Any) -> None:
        from sinergie.calls import services as vouchers
        from sinergie.companies import label

        today = vouchers.rome_today()
        expired = vouchers.vouchers_expire(today=today)
        reminded = label.labels_remind(today)
        self.stdout.write(f"vouchers expired: {expired}; label renewal reminders: {reminded}")
