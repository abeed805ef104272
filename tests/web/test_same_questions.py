"""Checkpoint and DIVERT ask about the person the same way (issue 10, item 7): the same questions, labels,
hints, order and field types, a GOV.UK date input for the date of birth (templates/people/_person_fields.html)."""
from tests.web.test_intake_support import start_draft


def _questions(page) -> list[tuple]:
    """(name, kind, label or legend, hint) for every person.* field, in page order."""
    asked, seen = [], set()
    for field in page.select("input[name^=person-], select[name^=person-], textarea[name^=person-]"):
        name = field["name"]
        if name.startswith("person-date_of_birth"):
            name, kind = "person-date_of_birth", "date"
        else:
            kind = field.name if field.name != "input" else field.get("type", "text")
        if name in seen:
            continue
        seen.add(name)
        group = field.find_parent(class_="govuk-form-group")
        fieldset = group.find("fieldset") if group else None
        label = (fieldset.legend if fieldset is not None else page.select_one(f"label[for={field['id']}]"))
        hint = group.select_one(".govuk-hint")
        asked.append((name, kind, label.get_text(" ", strip=True), hint.get_text(" ", strip=True) if hint else None))
    return asked


def test_the_person_is_asked_about_in_the_same_way_in_both_schemes(signed_in):
    client, _ = signed_in("custody_officer")
    checkpoint = _questions(client.get_page(f"/referrals/new/{start_draft(client)}/person"))
    divert = _questions(client.get_page("/divert/referrals/new"))
    assert checkpoint == divert
    assert [q[0] for q in checkpoint] == [
        "person-given_name", "person-family_name", "person-date_of_birth", "person-gender", "person-ethnicity",
        "person-pnc_id", "person-custody_number", "person-language", "person-postcode", "person-phone", "person-email"]
    assert ("person-date_of_birth", "date") == checkpoint[2][:2]
