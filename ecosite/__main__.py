from ecosite.cli import run

run()
