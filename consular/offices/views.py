"""Switching office, an office's staff and holidays."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consular.offices import actions
from consular.offices.forms import HolidayForm, SwitchOfficeForm
from consular.offices.models import Holiday, Membership, Office
from consular.offices.scoping import acting_actor
from consular.versions import StaleVersion


@require_POST
def switch_office(request: HttpRequest) -> HttpResponse:
    actor = acting_actor(request)
    form = SwitchOfficeForm(request.POST)
    membership = None
    if form.is_valid():
        membership = (
            Membership.unscoped.current().filter(user=actor.user, pk=form.cleaned_data["membership"])
            .select_related("office").first()
        )
    if membership is None:
        messages.error(request, _("You cannot act for that office."))
        return redirect("home")
    actions.switch_office(request, membership, by=actor)
    messages.success(request, _("You are now acting for %(office)s.") % {"office": membership.office.name})
    return redirect("home")


def office_detail(request: HttpRequest, code: str) -> HttpResponse:
    actor = acting_actor(request)
    office = get_object_or_404(Office.objects.all(), code=code)
    memberships = Membership.objects.current().filter(office=office).select_related("user")
    context = {
        "office": office,
        "memberships": memberships,
        "holidays": Holiday.objects.filter(office=office, date__gte=office.local_today()),
        "may_manage": actions.may_manage_office(actor, office),
    }
    return render(request, "offices/office_detail.html", context)


def holiday_add(request: HttpRequest, code: str) -> HttpResponse:
    actor = acting_actor(request)
    office = get_object_or_404(Office.objects.all(), code=code)
    if not actions.may_manage_office(actor, office):
        raise PermissionDenied
    form = HolidayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_holiday(office=office, date=form.cleaned_data["date"], name=form.cleaned_data["name"],
                                by=actor)
        except actions.DateTaken as taken:
            form.add_error("date", taken.message)
        else:
            messages.success(request, _("Holiday added."))
            return redirect("offices:office_detail", code=office.code)
    return render(request, "offices/holiday_form.html", {"office": office, "form": form},
                  status=400 if form.errors else 200)


def _posted_version(request: HttpRequest) -> int | None:
    """The version the form was rendered with; a missing or garbled one counts as stale."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def holiday_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    actor = acting_actor(request)
    holiday = get_object_or_404(Holiday.objects.select_related("office"), office__code=code, pk=pk)
    if not actions.may_manage_office(actor, holiday.office):
        raise PermissionDenied
    form = HolidayForm(request.POST or None,
                       initial={"date": holiday.date, "name": holiday.name, "version": holiday.version})
    stale, conflict = False, None
    deleting = request.method == "POST" and bool(request.POST.get("delete"))
    if deleting or (request.method == "POST" and form.is_valid()):
        expected = _posted_version(request)
        try:
            if deleting:
                actions.remove_holiday(holiday, expected_version=expected, by=actor)
                messages.success(request, _("Holiday removed."))
            else:
                actions.change_holiday(holiday, date=form.cleaned_data["date"], name=form.cleaned_data["name"],
                                       expected_version=expected, by=actor)
                messages.success(request, _("Holiday saved."))
            return redirect("offices:office_detail", code=holiday.office.code)
        except StaleVersion:
            # Keep what the user typed and show what is there now: nothing is lost or overwritten.
            stale, conflict = True, Holiday.objects.filter(pk=holiday.pk).first()
        except actions.DateTaken as taken:
            form.add_error("date", taken.message)
    return render(
        request,
        "offices/holiday_form.html",
        {"office": holiday.office, "form": form, "holiday": holiday, "stale": stale, "conflict": conflict},
        status=409 if stale else 400 if form.errors else 200,
    )
