"""A test client that reads pages as a user does: parsed HTML, forms with their CSRF token."""
from __future__ import annotations

from bs4 import BeautifulSoup
from flask.testing import FlaskClient


class PageClient(FlaskClient):
    def get_page(self, url: str, expected_status: int = 200, **kwargs) -> BeautifulSoup:
        response = self.get(url, **kwargs)
        assert response.status_code == expected_status, (url, response.status_code, response.location)
        return BeautifulSoup(response.get_data(as_text=True), "html.parser")

    def csrf_token(self, url: str = "/sign-in") -> str:
        page = self.get_page(url)
        field = page.select_one("input[name=csrf_token]")
        assert field is not None, f"no CSRF token on {url}"
        return field["value"]

    def post_form(self, url: str, data: dict | None = None, *, form_page: str | None = None,
                  expected_status: int | None = None, **kwargs):
        """POST like a browser: with the CSRF token taken from `form_page` (default: the same URL)."""
        payload = {"csrf_token": self.csrf_token(form_page or url)}
        payload.update(data or {})
        response = self.post(url, data=payload, **kwargs)
        if expected_status is not None:
            assert response.status_code == expected_status, (url, response.status_code)
        return response

    def post_page(self, url: str, data: dict | None = None, *, expected_status: int = 200,
                  form_page: str | None = None) -> BeautifulSoup:
        response = self.post_form(url, data, form_page=form_page, expected_status=expected_status)
        return BeautifulSoup(response.get_data(as_text=True), "html.parser")

    def sign_in_as(self, user) -> str:
        """Start a server-side session for `user` without the (deliberately slow) password check."""
        from diversion.extensions import db
        from diversion.models import User
        from diversion.services import sessions

        with self.application.app_context():
            key = sessions.start(db.session.get(User, user.id))
            db.session.commit()
        with self.session_transaction() as session:
            session["_user_id"] = key
            session["_fresh"] = True
            session.permanent = True
        return key

    def sign_in_with_password(self, email: str, password: str, next_url: str | None = None):
        url = "/sign-in" + (f"?next={next_url}" if next_url else "")
        return self.post_form(url, {"email": email, "password": password})
