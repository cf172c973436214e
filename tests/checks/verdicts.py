"""What the self-check tests share: call a check and get its one verdict line; a stub."""


def run(capsys, check, *args):
    """Call ``check(*args)``; return (its bool, its single printed line)."""
    ok = check(*args)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    return ok, lines[0]


def stub(*args):
    """An exercise left as the student gets it."""
    raise NotImplementedError
