"""The audit trail in plain English: every action the code records has a sentence, and an erased person is
never named."""
import ast
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from diversion.domain import appointments as appointment_rules
from diversion.domain import contracts as contract_rules
from diversion.domain.audit_wording import ERASED, WORDING, Facts, describe, has_wording

CODE = Path(__file__).resolve().parents[2] / "diversion"

# The actions recorded with an f-string, and every value the placeholder can take. A new f-string action fails the
# test below until its values are listed here (and worded).
EXPANSIONS = {
    "checkpoint_referral.{action}": ("approve", "refuse", "decline"),
    "contract.{outcome}": contract_rules.OUTCOMES,
    "appointment.{appointment.status}": (appointment_rules.ATTENDED, appointment_rules.MISSED),
    "contract.breach_pack.{how}": ("view", "download"),
}


def _is_audit_record(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit")


def _constants(tree: ast.Module) -> dict[str, str]:
    """A module's top-level string constants (`VIEWED = "..."`, `A, B = "...", "..."`)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            pairs = zip(target.elts, value.elts) if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) \
                else [(target, value)]
            for name, constant in pairs:
                if isinstance(name, ast.Name) and isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                    found[name.id] = constant.value
    return found


def _actions(argument: ast.AST, where: str, constants: dict[str, str]) -> set[str]:
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return {argument.value}
    if isinstance(argument, ast.Name) and argument.id in constants:
        return {constants[argument.id]}
    if isinstance(argument, ast.IfExp):
        return _actions(argument.body, where, constants) | _actions(argument.orelse, where, constants)
    if isinstance(argument, ast.JoinedStr):
        pattern = "".join(part.value if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"
                          for part in argument.values)
        assert pattern in EXPANSIONS, f"{where}: list the values of the action {pattern!r} in EXPANSIONS"
        prefix, _, _ = pattern.partition("{")
        return {prefix + value for value in EXPANSIONS[pattern]}
    raise AssertionError(f"{where}: an audit action the test cannot read ({ast.unparse(argument)})")


def actions_in_the_code() -> set[str]:
    found = set()
    for path in CODE.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        constants = _constants(tree)
        for node in ast.walk(tree):
            if _is_audit_record(node):
                found |= _actions(node.args[0], f"{path.relative_to(CODE)}:{node.lineno}", constants)
    return found


def test_every_action_the_code_records_has_a_plain_english_wording():
    actions = actions_in_the_code()
    assert len(actions) > 50  # the reader found the calls (a broken reader must not pass vacuously)
    assert sorted(a for a in actions if not has_wording(a)) == []


def test_a_contract_view_names_who_the_case_and_the_person():
    facts = Facts("contract.view", actor="Tomasz Nowak", object_type="contract", object_id="7",
                  person="Ayesha Hussain", reference="CP-2026-00123")
    assert describe(facts) == "Tomasz Nowak viewed contract CP-2026-00123 of Ayesha Hussain"


def test_divert_and_person_events_read_as_sentences():
    assert describe(Facts("divert_referral.event", actor="Sam Cole", object_type="divert_referral",
                          object_id="3", person="Kai Brennan", reference="DV-2026-00456",
                          details={"event": "contacted"})) == \
        "Sam Cole recorded ‘Contacted’ on DIVERT referral DV-2026-00456 of Kai Brennan"
    assert describe(Facts("person.view", actor="Sam Cole", object_type="person", object_id="9",
                          person="Kai Brennan")) == "Sam Cole viewed the record of Kai Brennan"
    assert describe(Facts("person.view", actor="Sam Cole", object_type="person", details={"ids": [1, 2]})) == \
        "Sam Cole was shown the records of 2 people beside a case"


def test_an_export_of_the_trail_gives_its_purpose():
    assert describe(Facts("audit.export", actor="Admin", justification="Professional standards case 14")) == \
        "Admin exported the audit trail (purpose: Professional standards case 14)"


def test_failed_sign_ins_say_as_whom_without_claiming_who_tried():
    assert describe(Facts("auth.sign_in_failed", object_type="user", object_id="4", subject="Tomasz Nowak",
                          details={"reason": "wrong_password"})) == \
        "Someone failed to sign in as Tomasz Nowak (wrong password)"
    assert describe(Facts("auth.sign_in_failed", details={"reason": "unknown_account"})) == \
        "Someone failed to sign in with an email address that has no account"


def test_an_action_without_wording_still_reads_with_its_code():
    assert describe(Facts("test.event", actor="Admin")) == "Admin: test.event"


PERSONAL = sorted(action for action in WORDING if action.split(".")[0] in
                  ("person", "contract", "checkpoint_referral", "divert_referral", "appointment"))


@given(action=st.sampled_from(PERSONAL), name=st.text(min_size=3, max_size=40).filter(lambda s: s.strip()))
def test_an_erased_person_is_never_named(action, name):
    name = "Zq" + name  # a name that no wording's own words contain
    kind = action.split(".")[0] if action.split(".")[0] != "appointment" else "contract"
    facts = Facts(action, actor="Tomasz Nowak", object_type=kind, object_id="5", person=name, person_erased=True,
                  reference="CP-2026-00001")
    sentence = describe(facts)
    assert name not in sentence
    if not action.endswith(".list") and action != "person.erase":  # a list is about no one person; an erasure
        assert ERASED in sentence                                      # names the record by number alone
