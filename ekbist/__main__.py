from ekbist.commands.main import cli

cli(prog_name="ekbist")
