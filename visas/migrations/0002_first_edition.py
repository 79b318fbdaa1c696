"""The first edition of the visa reference data: categories, the fee schedule, exemptions, referral rules.

From the Ministry of Foreign Affairs' published rules as of 2024 (fees: ¥3,000 single entry,
¥6,000 double or multiple, ¥700 transit; diplomatic and official visas free). HQ keeps them
from here on, each change with its effective date; nothing in code reads these values.
"""

from datetime import date

from django.db import migrations

BASIC = ["application_form", "passport", "photo"]
# (code, group, English, Japanese, entries, validity days, stay days, CoE, needs HQ, gratis, extra documents)
CATEGORIES = [
    ("tourism", "short_stay", "Short-term stay: tourism", "短期滞在（観光）", ["single", "double", "multiple"],
     1825, 90, False, False, False, ["itinerary", "financial_means"]),
    ("business", "short_stay", "Short-term stay: business", "短期滞在（商用）", ["single", "double", "multiple"],
     1825, 90, False, False, False, ["invitation", "itinerary"]),
    ("visiting", "short_stay", "Short-term stay: visiting relatives or friends", "短期滞在（親族・知人訪問）",
     ["single", "double"], 180, 90, False, False, False, ["invitation", "guarantee", "relationship", "itinerary"]),
    ("transit", "transit", "Transit", "通過", ["single"], 90, 15, False, False, False, ["onward_ticket"]),
    ("engineer-humanities", "working", "Engineer / Specialist in Humanities / International Services",
     "技術・人文知識・国際業務", ["single"], 90, 1825, True, False, False, ["coe"]),
    ("intra-company", "working", "Intra-company transferee", "企業内転勤", ["single"], 90, 1825, True, False, False,
     ["coe"]),
    ("skilled-labour", "working", "Skilled labour", "技能", ["single"], 90, 1825, True, False, False, ["coe"]),
    ("specified-skilled-worker", "working", "Specified skilled worker", "特定技能", ["single"], 90, 1825, True,
     False, False, ["coe", "employment"]),
    ("student", "study", "Student", "留学", ["single"], 90, 1825, True, False, False, ["coe", "enrolment"]),
    ("dependant", "family", "Dependant", "家族滞在", ["single"], 90, 1825, True, False, False,
     ["coe", "relationship"]),
    ("spouse-child-japanese", "family", "Spouse or child of a Japanese national", "日本人の配偶者等", ["single"],
     90, 1825, True, False, False, ["coe", "relationship"]),
    ("diplomatic", "official", "Diplomatic", "外交", ["single", "multiple"], 1825, 1825, False, True, True,
     ["note_verbale"]),
    ("official", "official", "Official", "公用", ["single", "multiple"], 1825, 1825, False, True, True,
     ["note_verbale"]),
]
FEES = [("single", 3000), ("multiple", 6000), ("transit", 700)]
FEES_FROM = date(2000, 1, 1)
# Short stays without a visa (ordinary passports), days; MOFA's list as of 2024.
EXEMPTIONS = {
    90: ["AND", "ARG", "AUS", "BEL", "BGR", "BHS", "BRA", "BRB", "CAN", "CHL", "COL", "CRI", "CYP", "CZE", "DNK",
         "DOM", "ESP", "EST", "FIN", "FRA", "GRC", "GTM", "HKG", "HND", "HRV", "HUN", "ISL", "ISR", "ITA", "KOR",
         "LTU", "LUX", "LVA", "MAC", "MCO", "MKD", "MLT", "MUS", "MYS", "NLD", "NOR", "NZL", "POL", "PRT", "ROU",
         "SGP", "SLV", "SMR", "SRB", "SUR", "SVK", "SVN", "SWE", "TUN", "TUR", "TWN", "URY", "USA", "PAN", "LSO"],
    180: ["AUT", "CHE", "DEU", "GBR", "IRL", "LIE", "MEX"],
    30: ["ARE"],
    15: ["BRN", "IDN", "THA"],
}
EXEMPTIONS_FROM = date(2024, 1, 1)


def load(apps, schema_editor):
    Category = apps.get_model("visas", "VisaCategory")
    Fee = apps.get_model("visas", "Fee")
    Exemption = apps.get_model("visas", "VisaExemption")
    Rule = apps.get_model("visas", "ReferralRule")
    for position, (code, group, name_en, name_ja, entries, validity, stay, coe, needs_hq, gratis, extra) in enumerate(
            CATEGORIES):
        Category.objects.create(code=code, group=group, name_en=name_en, name_ja=name_ja, entries_allowed=entries,
                                max_validity_days=validity, max_stay_days=stay, coe_required=coe, needs_hq=needs_hq,
                                gratis=gratis, checklist=BASIC + extra, position=position)
    for kind, amount in FEES:
        Fee.objects.create(kind=kind, amount_jpy=amount, effective_from=FEES_FROM)
    for days, nationalities in EXEMPTIONS.items():
        Exemption.objects.bulk_create(
            Exemption(nationality=code, max_stay_days=days, ordinary_passport_only=True,
                      effective_from=EXEMPTIONS_FROM) for code in nationalities
        )
    Rule.objects.create(on_confirmed_hit=True, reason_en="a screening hit was confirmed",
                        reason_ja="照合の該当が確認された")


def unload(apps, schema_editor):
    for model in ("ReferralRule", "VisaExemption", "Fee", "VisaCategory"):
        apps.get_model("visas", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("visas", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
