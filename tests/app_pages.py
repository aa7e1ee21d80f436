"""The page files of the app, in navigation order (tests parametrize over them)."""

PAGE_FILES: tuple[str, ...] = ("pages/roster.py", "pages/talent.py", "pages/compare.py", "pages/users.py",
                               "pages/account.py")
