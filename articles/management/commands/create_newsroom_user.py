"""Create an account for a newsroom member with one role.

    manage.py create_newsroom_user fatima --role verslaggever --email f@example.nl
    echo "$PASSWORD" | manage.py create_newsroom_user omar --role eindredacteur \\
        --email o@example.nl --password-from-stdin

Without --password-from-stdin a one-time password is printed once; the new member
changes it after the first login (top right in the admin: "Wachtwoord wijzigen").
"""

import secrets
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from articles.models import Author
from articles.workflow import ROLE_GROUPS, ensure_newsroom_groups


class Command(BaseCommand):
    help = (
        "Create a newsroom account (staff) in the group Verslaggever, Eindredacteur "
        "or Beheerder, and print a one-time password or read one from stdin."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLE_GROUPS))
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--author",
            metavar="NAME",
            help="Also create the byline author NAME linked to this account.",
        )
        parser.add_argument(
            "--password-from-stdin",
            action="store_true",
            help="Read the password from the first line of standard input.",
        )

    def handle(self, *args, **options):
        User = get_user_model()
        username = options["username"].strip()
        email = options["email"].strip()
        if not username:
            raise CommandError("The username must not be empty.")
        try:
            User._meta.get_field(User.USERNAME_FIELD).run_validators(username)
        except ValidationError as error:
            raise CommandError(
                f"Invalid username: {' '.join(error.messages)}"
            ) from None
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Invalid e-mail address: {email!r}.") from None
        if User._meta.default_manager.filter(
            **{User.USERNAME_FIELD: username}
        ).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        if options["author"] and Author.objects.filter(name=options["author"]).exists():
            raise CommandError(
                f"An author named {options['author']!r} already exists; link it to "
                "the account in the admin instead."
            )

        user = User(
            username=username,
            email=email,
            first_name=options["first_name"],
            last_name=options["last_name"],
            is_staff=True,
        )
        generated = not options["password_from_stdin"]
        if generated:
            password = secrets.token_urlsafe(12)
        else:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("No password on standard input.")
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                raise CommandError(
                    "Password rejected: " + " ".join(error.messages)
                ) from None
        user.set_password(password)

        with transaction.atomic():
            ensure_newsroom_groups()
            user.save()
            user.groups.add(Group.objects.get(name=ROLE_GROUPS[options["role"]]))
            if options["author"]:
                Author.objects.create(name=options["author"], user=user)

        self.stdout.write(
            self.style.SUCCESS(
                f"Created {username} ({ROLE_GROUPS[options['role']]}), {email}."
            )
        )
        if generated:
            self.stdout.write(f"One-time password: {password}")
            self.stdout.write(
                "Pass it on privately; it is not shown again. Ask them to change it "
                "after the first login."
            )
