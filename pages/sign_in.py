"""Sign in: shown to anyone not signed in (the form itself is served by /auth/login)."""

from pages._wiring import page_start

page_start()
