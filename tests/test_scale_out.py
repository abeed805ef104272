"""Issue 14: nothing kept on one host in production; report reads can go to a replica; templates compiled once and
the GOV.UK components that carry no case data rendered once per worker."""
import pytest
from markupsafe import Markup

from diversion import create_app
from diversion.config import ConfigError
from diversion.template_cache import _Remembered


@pytest.fixture
def production_env(monkeypatch):
    import secrets

    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    monkeypatch.delenv("RATELIMIT_SINGLE_PROCESS", raising=False)
    monkeypatch.delenv("REPORTING_DATABASE_URL", raising=False)
    return monkeypatch


def test_production_refuses_a_database_on_this_hosts_disk(production_env):
    with pytest.raises(ConfigError, match="DATABASE_URL must name a PostgreSQL database every host shares"):
        create_app({"ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite:////tmp/x.sqlite3"})
    with pytest.raises(ConfigError, match="REPORTING_DATABASE_URL must name a PostgreSQL database"):
        create_app({"ENV": "production", "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://app@db/diversion",
                    "REPORTING_DATABASE_URL": "sqlite:////tmp/x.sqlite3"})


def test_production_on_one_process_may_keep_a_sqlite_file(production_env):
    production_env.setenv("RATELIMIT_SINGLE_PROCESS", "1")
    app = create_app({"ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite:////tmp/x.sqlite3"})
    assert app.config["ENV"] == "production"


def test_a_replica_is_a_second_engine_for_reports_only(production_env):
    app = create_app({"ENV": "production", "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://app@primary/diversion",
                      "REPORTING_DATABASE_URL": "postgres://app@replica/diversion"})
    binds = app.config["SQLALCHEMY_BINDS"]
    assert list(binds) == ["reporting"] and binds["reporting"]["url"] == "postgresql+psycopg://app@replica/diversion"
    assert "statement_timeout" in binds["reporting"]["connect_args"]["options"]
    unset = create_app({"ENV": "production", "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://app@primary/diversion"})
    assert unset.config["REPORTING_DATABASE_URL"] is None and not unset.config.get("SQLALCHEMY_BINDS")


def test_templates_are_compiled_once_not_checked_against_their_files(app):
    assert app.jinja_env.auto_reload is False
    with app.app_context():
        assert app.jinja_env.get_template("base.html") is app.jinja_env.get_template("base.html")


def test_a_remembered_component_renders_as_the_macro_does_and_tells_markup_from_text():
    calls = []

    def macro(params, **kwargs):
        calls.append(params)
        return Markup("<b>{}</b>").format(params.get("text", ""))

    remembered = _Remembered(macro)
    assert remembered({"text": "<i>"}) == macro({"text": "<i>"}) == Markup("<b>&lt;i&gt;</b>")
    assert remembered({"text": "<i>"}) == Markup("<b>&lt;i&gt;</b>")
    assert remembered({"text": Markup("<i>")}) == Markup("<b><i></b>")  # a different entry: Markup is not text
    assert len(calls) == 3  # the second plain call was remembered
    remembered({"text": object()})  # not plain data: rendered afresh each time
    remembered({"text": object()})
    assert len(calls) == 5


@pytest.mark.parametrize("component, name, params", [
    ("select", "govukSelect", {"id": "status", "name": "status", "label": {"text": "Status"},
                               "items": [{"value": "a", "text": "A & B", "selected": True}, {"value": "b", "text": "B"}]}),
    ("tag", "govukTag", {"text": "Overdue", "classes": "govuk-tag--red"}),
    ("service-navigation", "govukServiceNavigation", {"navigation": [{"text": "Home", "href": "/", "active": True}]}),
])
def test_a_cached_component_renders_what_the_macro_renders(app, component, name, params):
    with app.test_request_context("/"):
        module = app.jinja_env.get_template(f"govuk_frontend_jinja/components/{component}/macro.html").module
        remembered = getattr(module, name)
        assert isinstance(remembered, _Remembered)
        fresh = remembered._macro(params)
        assert remembered(params) == fresh and remembered(params) == fresh and "<" in fresh


def test_components_that_carry_case_data_are_never_kept(app):
    with app.test_request_context("/"):
        for component, name in (("summary-list", "govukSummaryList"),
                                ("pagination", "govukPagination"), ("table", "govukTable")):
            module = app.jinja_env.get_template(f"govuk_frontend_jinja/components/{component}/macro.html").module
            assert not isinstance(getattr(module, name), _Remembered)


def test_a_text_input_is_kept_only_while_it_is_empty(app):
    with app.test_request_context("/"):
        module = app.jinja_env.get_template("govuk_frontend_jinja/components/input/macro.html").module
        remembered = module.govukInput
        empty = {"id": "q", "name": "q", "label": {"text": "Name"}, "value": ""}
        typed = dict(empty, value="Kai Example")
        assert remembered(empty) == remembered._macro(empty) and remembered(empty) == remembered._macro(empty)
        shown = remembered(typed)
        assert 'value="Kai Example"' in shown and shown == remembered._macro(typed)
        kept = [key for key in remembered._answers if "Kai Example" in repr(key)]
        assert len(remembered._answers) >= 1 and kept == []  # what someone typed is not remembered
