"""``quizgen mark``: scanned answer sheets read, judged and reported (DESIGN §7f).  Needs the ``mark`` extra."""
