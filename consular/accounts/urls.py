from django.urls import path

from consular.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/verify/", views.verify, name="verify"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("security/", views.security, name="security"),
    path("security/password/", views.change_password, name="change_password"),
    path("security/authenticator/", views.enrol, name="enrol"),
    path("security/backup-codes/", views.backup_codes, name="backup_codes"),
    path("security/passkeys/", views.passkeys, name="passkeys"),
    path("security/remove/", views.remove_device, name="remove_device"),
    path("reauthenticate/", views.reauthenticate, name="reauthenticate"),
]
