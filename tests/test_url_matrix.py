"""Every URL pattern the project has, as every member of the cast.

A new URL that is not in EXPECTED fails `test_every_url_pattern_is_in_the_matrix`:
decide who may see it (and that another office's object is a 404) before it ships.
"""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from consular.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from consular.documents import signing
from consular.identity.models import DuplicateReview
from consular.offices.models import Role
from consular.offices.scoping import Actor
from consular.screening.models import ImportJob, ListEntry, Watchlist, WatchlistImport
from consular.workflow.actions import open_case
from consular.workflow.models import Case
from passports.models import LossReport, Passport, PassportApplication, ProductionBatch, Status
from tests.factories import HolidayFactory
from tests.identity.factories import IdentityDocumentFactory, PersonFactory, actor_for
from tests.passports.factories import complete_checklist, fee_schedule, submit
from tests.screening.screening_fixtures import screening_hit
from tests.visas.factories import foreign_applicant, issued_visa

# Cast members, in this order, for every row.
CAST = ["anonymous", "password_only", "nyc_clerk", "nyc_supervisor", "london_clerk", "hq_officer", "hq_admin",
        "auditor", "osaka_api"]

# Shorthands: S = sign-in redirect, V = verify redirect, R = reauthenticate redirect.
S, V, R = "sign_in", "verify", "reauth"


@dataclass(frozen=True)
class Row:
    name: str
    kwargs: str = ""  # "nyc", "london", "nyc_holiday", "london_holiday", "osaka"
    outcomes: tuple = ()


def row(name: str, kwargs: str = "", **outcomes) -> Row:
    return Row(name, kwargs, tuple(outcomes[member] for member in CAST))


SIGNED_IN_200 = dict(anonymous=S, password_only=V, nyc_clerk=200, nyc_supervisor=200, london_clerk=200,
                     hq_officer=200, hq_admin=200, auditor=200, osaka_api=S)
ONLY_POST = dict(anonymous=S, password_only=V, nyc_clerk=405, nyc_supervisor=405, london_clerk=405,
                 hq_officer=405, hq_admin=405, auditor=405, osaka_api=S)
PASSKEY_REGISTRATION = {**ONLY_POST, **{member: 403 for member in CAST[2:8]}}
API_READ = dict(anonymous=401, password_only=401, nyc_clerk=200, nyc_supervisor=200, london_clerk=200,
                hq_officer=200, hq_admin=200, auditor=200, osaka_api=200)
NYC_ONLY = dict(anonymous=S, password_only=V, nyc_clerk=200, nyc_supervisor=200, london_clerk=404,
                hq_officer=200, hq_admin=200, auditor=200, osaka_api=S)
NYC_MANAGERS = dict(anonymous=S, password_only=V, nyc_clerk=403, nyc_supervisor=200, london_clerk=404,
                    hq_officer=403, hq_admin=200, auditor=403, osaka_api=S)
HQ_PRODUCTION = dict(anonymous=S, password_only=V, nyc_clerk=404, nyc_supervisor=404, london_clerk=404,
                     hq_officer=200, hq_admin=403, auditor=200, osaka_api=S)
HQ_READERS = {**HQ_PRODUCTION, "hq_admin": 200}
LONDON_ONLY = {**NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404, "london_clerk": 200}
API_NYC_ONLY = dict(anonymous=401, password_only=401, nyc_clerk=200, nyc_supervisor=200, london_clerk=404,
                    hq_officer=200, hq_admin=200, auditor=200, osaka_api=404)

EXPECTED = [
    row("home", **SIGNED_IN_200),
    row("health", **{member: 200 for member in CAST}),
    # Public: what anyone needs to verify our seals offline (no personal data).
    row("documents:seal_certificates", **{member: 200 for member in CAST}),
    row("documents:root_certificate", **{member: 200 for member in CAST}),
    row("documents:signer_certificate", "signer", **{member: 200 for member in CAST}),
    row("documents:revocation_list", **{member: 200 for member in CAST}),
    row("documents:revoked_documents", **{member: 200 for member in CAST}),
    row("verify", **{member: 200 for member in CAST}),
    row("set_language", **{member: 302 for member in CAST}),
    row("accounts:sign_in", **{**{m: 302 for m in CAST}, "anonymous": 200, "password_only": 200, "osaka_api": 200}),
    row("accounts:verify", **{**SIGNED_IN_200, "password_only": 200, **{m: 302 for m in CAST[2:8]}}),
    row("accounts:sign_out", **{**ONLY_POST, "password_only": 405}),
    row("accounts:security", **SIGNED_IN_200),
    row("accounts:change_password", **SIGNED_IN_200),
    row("accounts:enrol", **{**SIGNED_IN_200, "password_only": V, **{m: R for m in CAST[2:8]}}),
    row("accounts:backup_codes", **ONLY_POST),
    row("accounts:passkeys", **{**SIGNED_IN_200, **{m: R for m in CAST[2:8]}}),
    row("accounts:remove_device", **ONLY_POST),
    row("accounts:reauthenticate", **SIGNED_IN_200),
    row("offices:switch_office", **ONLY_POST),
    row("offices:office_detail", "nyc", **NYC_ONLY),
    row("offices:office_detail", "london", **{**NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                              "london_clerk": 200}),
    row("offices:holiday_add", "nyc", **NYC_MANAGERS),
    row("offices:holiday_add", "london", **{**NYC_MANAGERS, "nyc_clerk": 404, "nyc_supervisor": 404,
                                           "london_clerk": 403}),
    row("offices:holiday_edit", "nyc_holiday", **NYC_MANAGERS),
    row("offices:holiday_edit", "london_holiday", **{**NYC_MANAGERS, "nyc_clerk": 404, "nyc_supervisor": 404,
                                                     "london_clerk": 403}),
    row("audit:entry_list", **{**SIGNED_IN_200, **{m: 403 for m in CAST[2:7]}}),
    # POST only (the search never goes in its URL); nobody but an auditor learns even that.
    row("audit:entry_export", **{**SIGNED_IN_200, **{m: 403 for m in CAST[2:7]}, "auditor": 405}),
    row("passports:application_queue", **SIGNED_IN_200),
    row("passports:application_create", **{**SIGNED_IN_200, "auditor": 403}),
    row("passports:application_detail", "nyc_passport", **NYC_ONLY),
    row("passports:application_detail", "london_passport", **{**NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                                              "london_clerk": 200}),
    row("passports:application_photo", "nyc_passport", **NYC_ONLY),
    row("passports:application_photo", "london_passport", **{**NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                                             "london_clerk": 200}),
    # Central production is HQ's: other offices do not see it (404); at HQ officers work and auditors read.
    row("passports:production_queue", **HQ_PRODUCTION),
    row("passports:batch_list", **HQ_PRODUCTION),
    row("passports:batch_detail", "hq_batch", **HQ_PRODUCTION),
    # The printer's file: HQ officers only, asked to re-authenticate; nobody else is asked for a password.
    row("passports:batch_export", "hq_batch", **{**HQ_PRODUCTION, "hq_officer": R, "auditor": 403}),
    row("passports:collection_desk", **SIGNED_IN_200),
    row("passports:mrz_check", **SIGNED_IN_200),
    row("passports:loss_report", **SIGNED_IN_200),
    row("passports:collect", "nyc_passport", **NYC_ONLY),
    row("passports:collect", "london_passport", **{**NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                                   "london_clerk": 200}),
    # Papers for the applicant: read like the application (or the loss report) they are printed from.
    row("passports:receipt", "nyc_passport", **NYC_ONLY),
    row("passports:receipt", "london_passport", **{**NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                                   "london_clerk": 200}),
    row("passports:acknowledgement", "nyc_passport", **NYC_ONLY),
    row("passports:acknowledgement", "london_passport", **{**NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                                           "london_clerk": 200}),
    row("passports:handover_record", "nyc_handed_over", **NYC_ONLY),
    row("passports:handover_record", "nyc_passport", **{**NYC_ONLY, **{m: 404 for m in CAST[2:8]}}),  # not yet
    row("passports:loss_acknowledgement", "nyc_report", **NYC_ONLY),
    row("passports:loss_acknowledgement", "london_report", **{**NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                                              "london_clerk": 200}),
    row("visas:application_queue", **SIGNED_IN_200),
    row("visas:application_create", **{**SIGNED_IN_200, "auditor": 403}),
    row("visas:application_detail", "nyc_evisa", **NYC_ONLY),
    row("visas:application_detail", "london_visa", **LONDON_ONLY),
    row("visas:application_photo", "nyc_evisa", **NYC_ONLY),
    row("visas:application_photo", "london_visa", **LONDON_ONLY),
    # Papers: read like the application; a paper the application does not have is a 404.
    row("visas:grant_notice", "nyc_evisa", **NYC_ONLY),
    row("visas:grant_notice", "london_visa", **LONDON_ONLY),
    row("visas:grant_notice", "nyc_sticker", **{**NYC_ONLY, **{m: 404 for m in CAST[2:8]}}),
    row("visas:sticker", "nyc_sticker", **NYC_ONLY),
    row("visas:sticker", "nyc_evisa", **{**NYC_ONLY, **{m: 404 for m in CAST[2:8]}}),
    row("visas:receipt", "nyc_evisa", **NYC_ONLY),
    row("visas:receipt", "london_visa", **LONDON_ONLY),
    row("visas:refusal_letter", "nyc_refused", **NYC_ONLY),
    row("visas:refusal_letter", "nyc_evisa", **{**NYC_ONLY, **{m: 404 for m in CAST[2:8]}}),
    row("residency:index", **SIGNED_IN_200),
    # Registering a passkey needs a fresh re-authentication, checked before the method.
    row("passkey_registration_begin", **PASSKEY_REGISTRATION),
    row("passkey_registration_complete", **PASSKEY_REGISTRATION),
    row("passkey_authentication_begin", **{**ONLY_POST, "password_only": 405}),
    row("passkey_authentication_complete", **{**ONLY_POST, "password_only": 405}),
    row("otp_webauthn:credential-registration-begin", **PASSKEY_REGISTRATION),
    row("otp_webauthn:credential-registration-complete", **PASSKEY_REGISTRATION),
    row("otp_webauthn:credential-authentication-begin", **{**ONLY_POST, "password_only": 405}),
    row("otp_webauthn:credential-authentication-complete", **{**ONLY_POST, "password_only": 405}),
    row("otp_webauthn:js-i18n-catalog", **{**SIGNED_IN_200, "password_only": 200}),
    row("api_schema", **API_READ),
    row("api_docs", **{**API_READ, "osaka_api": 200}),
    row("api_me", **API_READ),
    row("api_office_list", **API_READ),
    row("api_office_detail", "nyc", **API_NYC_ONLY),
    row("api_office_detail", "osaka", **{**API_NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404, "osaka_api": 200}),
    row("api_holiday_list", "nyc", **API_NYC_ONLY),
    row("api_holiday_list", "london", **{**API_NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                         "london_clerk": 200}),
    row("api_holiday_detail", "nyc_holiday", **API_NYC_ONLY),
    row("api_holiday_detail", "london_holiday", **{**API_NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                                   "london_clerk": 200}),
    row("identity:person_search", **SIGNED_IN_200),
    row("identity:person_create", **{**SIGNED_IN_200, "auditor": 403}),
    # HQ's duplicate-review queue: the offices that raised a review never see it (404), HQ and auditors do.
    row("identity:review_list", **{**HQ_PRODUCTION, "hq_admin": 200}),
    row("identity:review_detail", "review", **{**HQ_PRODUCTION, "hq_admin": 200}),
    row("identity:person_detail", "nyc_person", **NYC_ONLY),
    row("identity:person_detail", "london_person", **{**NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                                      "london_clerk": 200}),
    # Changing a person: whoever may read them, except auditors (403); another office's person is a 404.
    row("identity:person_edit", "nyc_person", **{**NYC_ONLY, "auditor": 403}),
    row("identity:person_edit", "london_person", **{**NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                                    "london_clerk": 200, "auditor": 403}),
    row("identity:document_add", "nyc_person", **{**NYC_ONLY, "auditor": 403}),
    row("identity:document_add", "london_person", **{**NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                                     "london_clerk": 200, "auditor": 403}),
    row("identity:person_merge", "nyc_person", **{**NYC_ONLY, "nyc_clerk": 403, "nyc_supervisor": R,
                                                  "hq_officer": 403, "hq_admin": 403, "auditor": 403}),
    row("identity:person_merge", "london_person", **{**NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                                     "london_clerk": 403, "hq_officer": 403, "hq_admin": 403,
                                                     "auditor": 403}),
    # No GET on persons: a search by name would put personal data in the URL. It is POSTed to persons/search/.
    row("api_person_list", anonymous=401, password_only=401, **{m: 405 for m in CAST[2:]}),
    row("api_person_search", anonymous=401, password_only=401, **{m: 405 for m in CAST[2:]}),
    row("api_person_detail", "nyc_person", **API_NYC_ONLY),
    row("api_person_detail", "london_person", **{**API_NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                                 "london_clerk": 200}),
    row("api_person_documents", "nyc_person", **API_NYC_ONLY),
    row("api_person_documents", "london_person", **{**API_NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                                    "london_clerk": 200}),
    row("workflow:case_queue", **SIGNED_IN_200),
    row("workflow:my_cases", **SIGNED_IN_200),
    row("workflow:overdue_cases", **SIGNED_IN_200),
    row("workflow:referred_cases", **SIGNED_IN_200),
    row("workflow:answered_cases", **SIGNED_IN_200),
    row("workflow:operations", **SIGNED_IN_200),
    row("workflow:enquiry_create", **{**SIGNED_IN_200, "auditor": 403}),
    row("workflow:case_detail", "nyc_case", **NYC_ONLY),
    # A screening hit is read where its case is; the clearances queue is the second persons' (and auditors' to read).
    row("screening_hits:hit_detail", "nyc_hit", **NYC_ONLY),
    row("screening_hits:clearances", **{**SIGNED_IN_200, "nyc_clerk": 403, "london_clerk": 403, "hq_admin": 403}),
    row("workflow:case_detail", "london_case", **{**NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                                  "london_clerk": 200}),
    # A passport opens on its application page: the generic page redirects there, after the same 404 rule.
    row("workflow:case_detail", "nyc_passport", **{**NYC_ONLY, **{m: 302 for m in CAST[2:8] if m != "london_clerk"}}),
    row("api_case_list", **API_READ),
    row("api_case_detail", "nyc_case", **API_NYC_ONLY),
    row("api_case_detail", "london_case", **{**API_NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                             "london_clerk": 200}),
    row("api_case_transitions", "nyc_case", **{**API_READ, **{m: 405 for m in CAST[2:]}}),
    row("passports_api:application_list", **API_READ),
    row("visas_api:application_list", **API_READ),
    row("visas_api:application_detail", "nyc_evisa", **API_NYC_ONLY),
    row("visas_api:application_detail", "london_visa", **{**API_NYC_ONLY, "nyc_clerk": 404, "nyc_supervisor": 404,
                                                          "london_clerk": 200}),
    row("visas_api:application_withdrawal", "nyc_evisa", **{**API_READ, **{m: 405 for m in CAST[2:]}}),
    row("passports_api:application_detail", "nyc_passport", **API_NYC_ONLY),
    row("passports_api:application_detail", "london_passport", **{**API_NYC_ONLY, "nyc_clerk": 404,
                                                                  "nyc_supervisor": 404, "london_clerk": 200}),
    row("passports_api:application_detail", "osaka_passport", **{**API_NYC_ONLY, "nyc_clerk": 404,
                                                                 "nyc_supervisor": 404, "osaka_api": 200}),
    # POST only: a GET is refused by its method once the caller is known, before any lookup.
    row("passports_api:application_documents", "nyc_passport", **{**API_READ, **{m: 405 for m in CAST[2:]}}),
    row("passports_api:application_transitions", "nyc_passport", **{**API_READ, **{m: 405 for m in CAST[2:]}}),
    row("passports_api:application_collection", "nyc_passport", **{**API_READ, **{m: 405 for m in CAST[2:]}}),
    row("passports_api:application_payment", "nyc_passport", **{**API_READ, **{m: 405 for m in CAST[2:]}}),
    row("passports_api:application_verification", "nyc_passport_photo",
        **{**API_READ, **{m: 405 for m in CAST[2:]}}),
    row("passports_api:invalidated", **API_READ),
    # HQ's watchlists: other offices do not see them (404); at HQ everyone and the auditors read, HQ officers manage.
    row("screening:watchlist_list", **HQ_READERS),
    row("screening:watchlist_detail", "un_list", **HQ_READERS),
    row("screening:watchlist_activation", "un_list", **{**HQ_READERS, **{m: 405 for m in ("hq_officer", "hq_admin",
                                                                                         "auditor")}}),
    row("screening:entry_detail", "un_entry", **HQ_READERS),
    row("screening:import_list", "un_list", **HQ_READERS),
    row("screening:upload", "un_list", **{**HQ_READERS, "hq_admin": 403, "auditor": 403}),
    row("screening:job_detail", "import_job", **HQ_READERS),
    row("api_not_found", **{member: 404 for member in CAST}),
]


def all_patterns(resolver: URLResolver | None = None, namespace: str = "", prefix: str = ""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (
                pattern.namespace or namespace)
            yield from all_patterns(pattern, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, prefix + str(pattern.pattern)


def test_every_url_pattern_is_in_the_matrix():
    covered = {r.name for r in EXPECTED}
    missing = [(name, route) for name, route in all_patterns()
               if not route.startswith("admin/") and name not in covered]
    assert not missing, f"Add these URL patterns to EXPECTED in {__file__}: {missing}"


def _password_only(user) -> Client:
    """Past the password, not yet past the second factor."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = timezone.now().isoformat()
    session.save()
    return client


def test_every_admin_url_needs_sign_in_and_second_factor(client, nyc_clerk):
    password_only = _password_only(nyc_clerk)
    admin_routes = [route for _name, route in all_patterns() if route.startswith("admin/")]
    assert len(admin_routes) > 20
    for route in admin_routes:
        url = "/" + _fill(route)
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/accounts/sign-in/" in anonymous["Location"], url
        half = password_only.get(url)
        assert half.status_code == 302 and "/accounts/sign-in/verify/" in half["Location"], url


def _fill(route: str) -> str:
    """A concrete path for a regex or converter route: any object id will do for these checks."""
    import re

    route = route.replace("^", "").replace("$", "").replace("\\Z", "")
    route = re.sub(r"<(?:\w+:)?(\w+)>", "1", route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", "1", route)
    return route


@pytest.fixture
def objects(nyc, london, osaka, hq, nyc_clerk, london_clerk, osaka_client, settings, tmp_path):
    settings.SEAL_KEYS_DIR = tmp_path / "seal-keys"
    signing.create_root()
    signer = signing.issue_signer()
    nyc_case = open_case("enquiry", person=PersonFactory(created_by_office=nyc), by=actor_for(nyc_clerk))
    london_case = open_case("enquiry", person=PersonFactory(created_by_office=london), by=actor_for(london_clerk))
    fee_schedule()
    nyc_passport = submit(actor_for(nyc_clerk), PersonFactory(created_by_office=nyc))
    london_passport = submit(actor_for(london_clerk), PersonFactory(created_by_office=london))
    osaka_system = Actor(office=osaka, role=Role.OFFICER, api_client=osaka_client[0])
    osaka_passport = submit(osaka_system, PersonFactory(created_by_office=osaka))
    # Paid, so each has a receipt; one more handed over, so it has a record of collection.
    complete_checklist(nyc_passport, actor_for(nyc_clerk))
    complete_checklist(london_passport, actor_for(london_clerk))
    handed_over = submit(actor_for(nyc_clerk), PersonFactory(created_by_office=nyc))
    PassportApplication.unscoped.filter(pk=handed_over.pk).update(identity_checked_at=timezone.now())
    Case.unscoped.filter(pk=handed_over.case_id).update(status=Status.ISSUED)
    Passport.unscoped.create(number="TZ0000001", application=handed_over, batch=ProductionBatch.unscoped.create(
        reference="B-2026-000002", created_by="hq_officer", size=1),
        document=IdentityDocumentFactory(person=handed_over.case.person), surname="X", given_names="Y",
        issued_on=timezone.localdate(), expires_on=timezone.localdate(), authority="MOFA", mrz_line1="", mrz_line2="")
    reports = {
        code: LossReport.unscoped.create(reference=f"L-2026-{code}-000001", document=IdentityDocumentFactory(),
                                         kind="lost", circumstances="Lost", office=office, reported_by="x")
        for code, office in (("NYC", nyc), ("LON", london))
    }
    batch = ProductionBatch.unscoped.create(reference="B-2026-000001", created_by="hq_officer", size=0)
    nyc_hit = screening_hit(nyc_case)
    nyc_evisa = issued_visa(actor_for(nyc_clerk), foreign_applicant(nyc), form="evisa")
    nyc_sticker = issued_visa(actor_for(nyc_clerk), foreign_applicant(nyc, family_name="CHEN"), form="sticker")
    london_visa = issued_visa(actor_for(london_clerk), foreign_applicant(london), form="evisa")
    nyc_refused = issued_visa(actor_for(nyc_clerk), foreign_applicant(nyc, family_name="ZHAO"), form=None)
    un_list = Watchlist.objects.get(code="un-sc")
    run = WatchlistImport.objects.create(watchlist=un_list, format="un-sc", source_sha256="0" * 64,
                                         edition=timezone.now(), imported_by="hq_officer", office_code="HQ")
    un_entry = ListEntry.objects.create(watchlist=un_list, source_key="1", kind="individual", updated_at=run.edition)
    import_job = ImportJob.objects.create(watchlist=un_list, format="un-sc", stored_as="none.xml",
                                          source_sha256="0" * 64, requested_by="hq_officer", office_code="HQ")
    return {
        "un_list": {"code": un_list.code},
        "un_entry": {"code": un_list.code, "pk": un_entry.pk},
        "import_job": {"pk": import_job.pk},
        "nyc_hit": {"pk": nyc_hit.pk},
        "nyc_evisa": {"reference": nyc_evisa.case.reference},
        "nyc_sticker": {"reference": nyc_sticker.case.reference},
        "london_visa": {"reference": london_visa.case.reference},
        "nyc_refused": {"reference": nyc_refused.case.reference},
        "nyc_handed_over": {"reference": handed_over.case.reference},
        "nyc_report": {"report": reports["NYC"].pk},
        "london_report": {"report": reports["LON"].pk},
        "osaka_passport": {"reference": osaka_passport.case.reference},
        "nyc_passport": {"reference": nyc_passport.case.reference},
        "nyc_passport_photo": {"reference": nyc_passport.case.reference, "code": "photo"},
        "london_passport": {"reference": london_passport.case.reference},
        "hq_batch": {"reference": batch.reference},
        "nyc_person": {"pk": PersonFactory(created_by_office=nyc).pk},
        "review": {"pk": DuplicateReview.unscoped.create(
            person=PersonFactory(created_by_office=london), candidate=PersonFactory(created_by_office=nyc), score=92,
            raised_by_office=london, raised_by="london_clerk").pk},
        "london_person": {"pk": PersonFactory(created_by_office=london).pk},
        "nyc_case": {"reference": nyc_case.reference},
        "london_case": {"reference": london_case.reference},
        "nyc": {"code": "NYC"},
        "signer": {"reference": signer.reference},
        "london": {"code": "LON"},
        "osaka": {"code": "OSA"},
        "nyc_holiday": {"code": "NYC", "pk": HolidayFactory(office=nyc).pk},
        "london_holiday": {"code": "LON", "pk": HolidayFactory(office=london).pk},
    }


@pytest.fixture
def cast_clients(signed_in, api, nyc_clerk, nyc_supervisor, london_clerk, hq_officer, hq_admin, auditor,
                 osaka_client):
    password_only = _password_only(nyc_clerk)
    return {
        "anonymous": Client(),
        "password_only": password_only,
        "nyc_clerk": signed_in(nyc_clerk),
        "nyc_supervisor": signed_in(nyc_supervisor),
        "london_clerk": signed_in(london_clerk),
        "hq_officer": signed_in(hq_officer),
        "hq_admin": signed_in(hq_admin),
        "auditor": signed_in(auditor),
        "osaka_api": api(osaka_client[1]),
    }


@pytest.mark.parametrize("entry", EXPECTED, ids=lambda r: f"{r.name}[{r.kwargs}]" if r.kwargs else r.name)
def test_url_outcome_for_every_cast_member(entry: Row, cast_clients, objects):
    kwargs = objects[entry.kwargs] if entry.kwargs else {}
    url = reverse(entry.name, kwargs=kwargs) if entry.name != "api_not_found" else "/api/v1/no-such-thing/"
    failures = []
    for member, expected in zip(CAST, entry.outcomes, strict=True):
        response = cast_clients[member].get(url)
        actual = response.status_code
        location = response.get("Location", "")
        if expected == S:
            ok = actual == 302 and location.startswith("/accounts/sign-in/?")
        elif expected == V:
            ok = actual == 302 and location.startswith("/accounts/sign-in/verify/")
        elif expected == R:
            ok = actual == 302 and location.startswith("/accounts/reauthenticate/")
        else:
            ok = actual == expected
        if not ok:
            failures.append(f"{member}: expected {expected}, got {actual} {location}")
        if url.startswith("/api/") and actual >= 400:
            assert response["Content-Type"].startswith("application/problem+json"), (member, url)
        # Any of these may carry personal data (or a redirect to it): never kept by a proxy or the browser.
        directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
        if not {"no-store", "private"} <= directives:
            failures.append(f"{member}: Cache-Control is {response.get('Cache-Control')!r}, not no-store, private")
    assert not failures, f"{url}: " + "; ".join(failures)
