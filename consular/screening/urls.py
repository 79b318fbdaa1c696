from django.urls import path

from consular.screening import views

app_name = "screening"

urlpatterns = [
    path("watchlists/", views.watchlist_list, name="watchlist_list"),
    path("watchlists/<slug:code>/", views.watchlist_detail, name="watchlist_detail"),
    path("watchlists/<slug:code>/activation/", views.watchlist_activation, name="watchlist_activation"),
    path("watchlists/<slug:code>/entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("watchlists/<slug:code>/imports/", views.import_list, name="import_list"),
    path("watchlists/<slug:code>/upload/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.job_detail, name="job_detail"),
]
