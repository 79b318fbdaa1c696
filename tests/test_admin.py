from django_otp.plugins.otp_totp.models import TOTPDevice

from consular.audit.models import AuditEntry
from consular.offices.models import ApiClient, Membership, Role


def test_administrator_opens_the_admin(signed_in, hq_admin):
    assert signed_in(hq_admin).get("/admin/").status_code == 200


def test_staff_flag_without_acting_as_administrator_is_refused_not_looped(signed_in, hq_officer, nyc_clerk):
    hq_officer.is_staff = True
    hq_officer.save()
    for user in (hq_officer, nyc_clerk):
        response = signed_in(user).get("/admin/", follow=True)
        assert response.status_code == 403
        assert len(response.redirect_chain) == 1


def test_admin_never_shows_second_factor_secrets(signed_in, hq_admin, nyc_clerk):
    device = TOTPDevice.objects.get(user=nyc_clerk)
    client = signed_in(hq_admin)
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert device.key.encode() not in page.content
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code in (403, 404)


def test_membership_changes_in_the_admin_are_audited_with_old_and_new_values(signed_in, hq_admin, nyc_clerk):
    membership = Membership.unscoped.get(user=nyc_clerk)
    response = signed_in(hq_admin).post(f"/admin/offices/membership/{membership.pk}/change/", {
        "user": nyc_clerk.pk, "office": membership.office.pk, "role": Role.SUPERVISOR,
        "starts_on": membership.starts_on.isoformat(), "ends_on": "",
    })
    assert response.status_code == 302
    entry = AuditEntry.unscoped.get(action="update", object_type="offices.membership")
    assert entry.changes == {"role": ["clerk", "supervisor"]}
    assert entry.username == "hq_admin"


def test_revoking_an_api_client_in_the_admin_is_audited(signed_in, hq_admin, osaka_client):
    client, _token = osaka_client
    signed_in(hq_admin).post("/admin/offices/apiclient/", {"action": "revoke", "_selected_action": [client.pk]})
    client.refresh_from_db()
    assert client.revoked_at is not None
    assert AuditEntry.unscoped.filter(object_type="offices.apiclient", action="update").exists()
    assert ApiClient.unscoped.count() == 1
