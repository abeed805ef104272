"""Driving pages as a keyboard user does: focus a field, type; Space for radios and checkboxes; Enter."""
from __future__ import annotations


class Keyboard:
    def __init__(self, watched):
        self.watched, self.page = watched, watched.page

    def type(self, selector: str, text: str) -> None:
        self.page.focus(selector)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)

    def date(self, prefix: str, day) -> None:
        self.type(f"#{prefix}-day", str(day.day))
        self.page.keyboard.press("Tab")
        self.page.keyboard.type(str(day.month))
        self.page.keyboard.press("Tab")
        self.page.keyboard.type(str(day.year))

    def check(self, selector: str) -> None:
        """Radios and checkboxes: Space selects the focused one."""
        self.page.focus(selector)
        self.page.keyboard.press("Space")
        assert self.page.is_checked(selector), selector

    def pick(self, selector: str, label_start: str) -> None:
        """A select: typing the start of an option's text chooses it in Chromium."""
        self.page.focus(selector)
        self.page.keyboard.type(label_start)

    def press(self, name: str) -> None:
        """Activate a button by keyboard and wait for the next page; then check it with axe-core."""
        self.page.get_by_role("button", name=name).first.focus()
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.accessible()

    def follow(self, name: str) -> None:
        self.page.get_by_role("link", name=name).first.focus()
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.accessible()

    def accessible(self) -> None:
        violations = self.watched.axe_violations()
        assert violations == [], (self.page.url, violations)
        assert self.page.locator("h1").count() == 1, self.page.url
