from django.core.management.base import BaseCommand, CommandError

from consular.documents import signing


class Command(BaseCommand):
    help = (
        "Keys for visible digital seals under SEAL_KEYS_DIR: `create` makes the country signing root and a "
        "first signer, `rotate` issues a new signer (earlier ones stay published), `revoke REF` revokes a "
        "signer whose key may have leaked, `show` lists them."
    )

    def add_arguments(self, parser):
        parser.add_argument("step", choices=["create", "rotate", "revoke", "show"])
        parser.add_argument("reference", nargs="?", help="the signer to revoke (its certificate reference)")

    def handle(self, *args, step: str, reference: str | None, **options):
        try:
            if step == "create":
                signing.create_root()
                signer = signing.issue_signer()
                self.stdout.write(f"Created the country signing root and signer {signer.reference} in "
                                  f"{signing.keys_dir()}. Keep root.key.pem offline from now on.")
            elif step == "rotate":
                signer = signing.issue_signer()
                self.stdout.write(f"Signer {signer.reference} now signs new seals; earlier signers stay published.")
            elif step == "revoke":
                if not reference:
                    raise CommandError("Name the signer to revoke: seal_keys revoke REF (see seal_keys show).")
                signing.revoke_signer(reference.upper())
                self.stdout.write(f"Signer {reference.upper()} is revoked: its seals no longer verify. "
                                  "Run `seal_keys rotate` so that new seals can be signed.")
            else:
                self._show()
        except (signing.SigningKeysMissing, FileExistsError, KeyError) as problem:
            raise CommandError(str(problem).strip("'\"")) from problem

    def _show(self) -> None:
        root = signing.root_certificate()
        crl = signing.revocation_list()
        try:
            current = signing.current_signer().reference
        except signing.SigningKeysMissing:
            current = None
        self.stdout.write(f"Root: {root.subject.rfc4514_string()}, valid until {root.not_valid_after_utc:%Y-%m-%d}")
        for ref, certificate in signing.published_certificates().items():
            revoked = crl is not None and crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
            state = "revoked" if revoked else "current" if ref == current else "published"
            self.stdout.write(f"  signer {ref:<4} {state:<9} valid until {certificate.not_valid_after_utc:%Y-%m-%d}")
