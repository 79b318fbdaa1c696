"""`{% person_cases person %}`: the person page's list of their cases, from the workflow floor.

The person page belongs to identity, which sits below the workflow and may not import it
(the import-linter layers contract); the template asks for this section by name instead.
"""

from django import template

from consular.workflow.models import Case
from consular.workflow.transitions import case_type_of

register = template.Library()


@register.inclusion_tag("workflow/includes/person_cases.html")
def person_cases(person) -> dict:
    # Only the cases this office may read (Case.objects is scoped to the request's office), newest first.
    cases = Case.objects.filter(person=person).select_related("current_office").order_by("-submitted_at", "-id")
    return {
        "cases": [
            # Each links to the case's own page: a passport to its application page, an enquiry to the case page.
            {"case": case, "type": case_type_of(case).label, "status": case_type_of(case).status_label(case.status),
             "url": case_type_of(case).page_url(case.reference)}
            for case in cases
        ]
    }
