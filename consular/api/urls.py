from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from consular.api.problems import not_found_response
from consular.offices import api as offices_api


class SchemaView(SpectacularAPIView):
    for_accredited_agencies = True  # the schema is for every caller, an accredited agency included


class SchemaDocsView(SpectacularSwaggerSplitView):
    for_accredited_agencies = True


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api_schema"),
    path("docs/", SchemaDocsView.as_view(url_name="api_schema"), name="api_docs"),
    path("me/", offices_api.MeView.as_view(), name="api_me"),
    path("offices/", offices_api.OfficeList.as_view(), name="api_office_list"),
    path("offices/<str:code>/", offices_api.OfficeDetail.as_view(), name="api_office_detail"),
    path("offices/<str:code>/holidays/", offices_api.HolidayList.as_view(), name="api_holiday_list"),
    path("offices/<str:code>/holidays/<int:pk>/", offices_api.HolidayDetail.as_view(), name="api_holiday_detail"),
    path("", include("consular.identity.api_urls")),
    path("", include("consular.workflow.api_urls")),
    re_path(r"^.*$", not_found_response, name="api_not_found"),
]
