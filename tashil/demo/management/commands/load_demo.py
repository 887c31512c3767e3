from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from tashil.demo.province import DEMO_PASSWORD, load_companies, load_users


class Command(BaseCommand):
    help = "Load the demo province (Qazvin) and its demo users; safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_reference", stdout=self.stdout)
        with transaction.atomic():
            companies = load_companies()
            users = load_users(companies)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD})"))
        for user in users:
            self.stdout.write(f"  {user.username:<14} {user.role.label}")
